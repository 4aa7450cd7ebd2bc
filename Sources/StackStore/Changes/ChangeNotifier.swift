import Foundation

/// Wakes tasks waiting for change events newer than a `seq` (the SSE stream blocks on it).
final class ChangeNotifier: Sendable {
    private struct State {
        var latest: Int64
        var closed = false
        var waiters: [UInt64: (after: Int64, continuation: CheckedContinuation<Bool, Never>)] = [:]
        var nextID: UInt64 = 0
        /// Waits cancelled (timed out) before they registered.
        var cancelled: Set<UInt64> = []
    }

    private let state: Locked<State>

    init(latest: Int64) { state = Locked(State(latest: latest)) }

    var latest: Int64 { state.withLock { $0.latest } }

    /// Records that events up to `seq` are committed and wakes the waiters they satisfy.
    func advance(to seq: Int64) {
        let woken = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard seq > state.latest else { return [] }
            state.latest = seq
            var woken: [CheckedContinuation<Bool, Never>] = []
            for (id, waiter) in state.waiters where waiter.after < seq {
                woken.append(waiter.continuation)
                state.waiters[id] = nil
            }
            return woken
        }
        for continuation in woken { continuation.resume(returning: true) }
    }

    func close() {
        let all = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters.values.map(\.continuation)
        }
        for continuation in all { continuation.resume(returning: false) }
    }

    /// Returns `true` as soon as an event after `seq` exists, `false` after `timeout`, on
    /// cancellation, or when the store closes.
    func wait(after seq: Int64, timeout: Duration) async -> Bool {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self.cancel(id)
        }
        defer {
            timer.cancel()
            _ = state.withLock { $0.cancelled.remove(id) }
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate: Bool? = state.withLock { state in
                    if state.closed { return false }
                    if state.latest > seq { return true }
                    if Task.isCancelled || state.cancelled.remove(id) != nil { return false }
                    state.waiters[id] = (seq, continuation)
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            self.cancel(id)
        }
    }

    private func cancel(_ id: UInt64) {
        let waiter = state.withLock { state in
            let waiter = state.waiters.removeValue(forKey: id)
            if waiter == nil { state.cancelled.insert(id) }
            return waiter
        }
        waiter?.continuation.resume(returning: false)
    }
}
