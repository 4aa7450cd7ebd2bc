import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into a one-shot async notification, for graceful shutdown (SPEC §6).
///
/// The default disposition is ignored so the process does not die, and a `DispatchSource` delivers
/// the signal on a queue of its own; nothing runs in a C signal handler.
// @unchecked: `sources` is immutable after init, and DispatchSource's cancel is thread-safe.
final class ShutdownSignal: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let queue = DispatchQueue(label: "stack.signals")

    /// Starts listening for SIGINT and SIGTERM; `handler` runs once, with the signal number, on
    /// the first of them. A second signal while shutting down exits at once with status 1.
    init(_ handler: @escaping @Sendable (Int32) -> Void) {
        let fired = SignalLatch()
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if fired.fire() {
                    handler(number)
                } else {
                    // Impatient second Ctrl-C: stop waiting for requests in flight.
                    exit(1)
                }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Stops listening and restores the default dispositions.
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    /// Suspends until SIGINT or SIGTERM arrives and returns its number.
    static func wait() async -> Int32 {
        let box = ContinuationBox()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            box.set(continuation)
            let listener = ShutdownSignal { number in box.resume(number) }
            box.keep(listener)
        }
    }
}

/// True the first time only.
private final class SignalLatch: Sendable {
    private let state = Atomic<Bool>(false)

    func fire() -> Bool {
        state.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
    }
}

/// Holds the continuation and the listener until the signal arrives.
private final class ContinuationBox: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Int32, Never>?
        var listener: ShutdownSignal?
    }

    private let state = Mutex(State())

    func set(_ continuation: CheckedContinuation<Int32, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    func keep(_ listener: ShutdownSignal) {
        state.withLock { $0.listener = listener }
    }

    func resume(_ number: Int32) {
        let continuation = state.withLock { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(returning: number)
    }
}
