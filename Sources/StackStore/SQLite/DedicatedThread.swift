import Foundation

/// A thread of the store's own (acknowledger, checkpointer, full-text indexer) and the handshake
/// that ends it: ``stop(_:)`` asks it to end and waits until its body has returned.
///
/// `condition` also guards the owner's own state shared with the thread; the body reads
/// ``isStopping`` with it held, and waits on it for work or for its next interval.
final class DedicatedThread: @unchecked Sendable {  // `isStopping` and `ended` are guarded by `condition`
    let condition = NSCondition()
    /// Set by ``stop(_:)``; read with `condition` held.
    private(set) var isStopping = false
    private var ended = false

    /// Starts a thread named `name` running `body`.
    init(name: String, _ body: @escaping @Sendable (DedicatedThread) -> Void) {
        startNamedThread(name) { [self] in
            body(self)
            condition.withLock {
                ended = true
                condition.broadcast()
            }
        }
    }

    /// Waits, with `condition` held, until `deadline` or a signal; returns `isStopping`.
    func waitUnlessStopping(until deadline: Date) -> Bool {
        if !isStopping { _ = condition.wait(until: deadline) }
        return isStopping
    }

    /// Asks the thread to end and waits until its body has returned. `whileLocked` runs with
    /// `condition` held, right after ``isStopping`` is set. Blocking: call it off the cooperative
    /// pool.
    func stop(_ whileLocked: () -> Void = {}) {
        condition.lock()
        defer { condition.unlock() }
        isStopping = true
        whileLocked()
        condition.broadcast()
        while !ended { condition.wait() }
    }
}

/// Starts a Foundation thread named `name` running `body`. The name is set from inside the thread,
/// once `start()` has returned: on Linux, Foundation drops a name given before `start()`, and
/// applies one set inside the thread only when it knows the thread's handle, which `start()`
/// stores after the thread may already be running. The kernel keeps at most 15 bytes
/// (`pthread_setname_np` refuses longer names), so longer names are cut to 15 (the store's own fit).
/// Returns once the name is set.
func startNamedThread(_ name: String, _ body: @escaping @Sendable () -> Void) {
    let started = DispatchSemaphore(value: 0)
    let named = DispatchSemaphore(value: 0)
    let thread = Thread {
        started.wait()
        Thread.current.name = String(decoding: name.utf8.prefix(15), as: UTF8.self)
        named.signal()
        body()
    }
    thread.start()
    started.signal()
    named.wait()
}
