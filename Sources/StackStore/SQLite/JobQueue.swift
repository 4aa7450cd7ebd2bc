import Foundation

/// A blocking FIFO shared by producer tasks and the dedicated threads that consume it.
///
/// `append` never blocks for long (a lock held for a few instructions); `take` and `takeAll`
/// block their caller, so only the pool's own threads call them, never Swift's cooperative pool.
final class JobQueue<Job>: @unchecked Sendable {  // all state is guarded by `condition`
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var head = 0
    private var isClosed = false

    /// Adds a job; returns `false` (and drops it) once the queue is closed. With `closing`, the job
    /// is the last one accepted.
    @discardableResult
    func append(_ job: Job, closing: Bool = false) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !isClosed else { return false }
        isClosed = closing
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Adds the last jobs (they are accepted even when others were refused) and closes the queue.
    func close(with final: [Job]) {
        condition.lock()
        defer { condition.unlock() }
        isClosed = true
        jobs.append(contentsOf: final)
        condition.broadcast()
    }

    /// Removes, without waiting, up to `limit` jobs from the front for which `accept` holds,
    /// stopping at the first it does not accept.
    func takeLeading(limit: Int, where accept: (Job) -> Bool) -> [Job] {
        condition.lock()
        defer { condition.unlock() }
        var end = head
        while end < jobs.count, end - head < limit, accept(jobs[end]) { end += 1 }
        return removeFront(upTo: end)
    }

    /// Blocks until a job is available and removes it.
    func take() -> Job {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count { condition.wait() }
        return removeFront(upTo: head + 1)[0]
    }

    /// Blocks until at least one job is available and removes up to `limit` of them; returns an
    /// empty list once the queue is closed and drained, or when `deadline` (if any) passes first.
    func takeAll(limit: Int, waitingAtMostUntil deadline: Date? = nil) -> [Job] {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count {
            if isClosed { return [] }
            if let deadline {
                if !condition.wait(until: deadline) && head == jobs.count { return [] }
            } else {
                condition.wait()
            }
        }
        return removeFront(upTo: min(jobs.count, head + limit))
    }

    /// Removes and returns the queued jobs before index `end`; the storage starts over once
    /// drained. Called with `condition` locked.
    private func removeFront(upTo end: Int) -> [Job] {
        let taken = Array(jobs[head..<end])
        head = end
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        }
        return taken
    }
}

/// A value handed from one thread to another exactly once (a job's result, a connection handed to
/// its own thread at start). The handover happens through a queue or a continuation, which orders
/// the accesses.
final class Handover<Value>: @unchecked Sendable {  // accessed by one thread at a time, ordered by the queue
    var value: Value?
    init(_ value: Value? = nil) { self.value = value }
}
