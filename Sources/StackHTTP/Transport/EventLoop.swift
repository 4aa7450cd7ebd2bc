#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Something registered with an event loop: a listener or a connection. Only ever called on the loop thread.
protocol LoopHandler: AnyObject {
    /// Readiness reported for the handler's descriptor.
    func handle(_ events: IOEvents)
    /// Periodic check of deadlines (timeouts, back-off); `now` is monotonic nanoseconds.
    func sweep(now: UInt64)
}

/// One thread running a poller: it owns its connections (no locks on their state), runs closures
/// posted from other threads, and checks timeouts a few times a second.
final class EventLoop: @unchecked Sendable {
    // @unchecked: everything but `pending`/`wakePending` is touched only on the loop thread;
    // `pending` is guarded by its Lock and `wakePending` is atomic.
    private var poller: Poller
    /// Work posted to the loop; once `stopped`, nothing more is taken.
    private let pending = Lock<(work: [@Sendable () -> Void], stopped: Bool)>(([], false))
    private let wakePending = Atomic<Bool>(false)
    /// The loop thread's id while ``run()`` runs (0 before).
    private let threadID = Atomic<UInt>(0)
    private var handlers: [(any LoopHandler)?] = []
    private var running = true
    private let sweepIntervalNanos: UInt64
    private var nextSweep: UInt64 = 0
    /// Shared read buffer (the loop reads one socket at a time).
    let readBuffer: UnsafeMutableRawBufferPointer
    /// The loop's `Date` field cache.
    var dateCache = DateCache()
    let index: Int

    init(index: Int, sweepInterval: Duration) throws(Posix.Error) {
        self.index = index
        poller = try Poller()
        sweepIntervalNanos = max(5_000_000, sweepInterval.nanoseconds)
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit {
        readBuffer.deallocate()
        poller.close()
    }

    /// Runs `work` on the loop thread soon. Callable from any thread. Returns `false` (and drops
    /// `work`) once the loop has stopped.
    @discardableResult
    func execute(_ work: @escaping @Sendable () -> Void) -> Bool {
        let accepted = pending.withLock { state -> Bool in
            if state.stopped { return false }
            state.work.append(work)
            return true
        }
        // On the loop thread the work runs before the next poll: no wake-up needed.
        if accepted && !isCurrent && !wakePending.exchange(true, ordering: .acquiringAndReleasing) {
            poller.wake()
        }
        return accepted
    }

    /// Whether the caller runs on this loop's thread.
    var isCurrent: Bool { threadID.load(ordering: .relaxed) == EventLoop.currentThreadID() }

    private static func currentThreadID() -> UInt {
        #if canImport(Glibc)
        UInt(pthread_self())
        #else
        UInt(bitPattern: pthread_self())
        #endif
    }

    // MARK: Loop-thread API

    func register(_ fd: Int32, _ handler: any LoopHandler, _ interest: IOEvents) {
        let i = Int(fd)
        if i >= handlers.count { handlers.append(contentsOf: repeatElement(nil, count: i - handlers.count + 64)) }
        handlers[i] = handler
        poller.add(fd, interest)
    }

    func reregister(_ fd: Int32, _ interest: IOEvents) {
        poller.modify(fd, interest)
    }

    /// Stops watching `fd`; call before closing it, exactly once.
    func deregister(_ fd: Int32) {
        poller.remove(fd)
        handlers[Int(fd)] = nil
    }

    /// All handlers currently registered.
    var registered: [any LoopHandler] { handlers.compactMap { $0 } }

    func stop() { running = false }

    /// The loop body; returns after ``stop()`` is called on the loop thread.
    func run() {
        threadID.store(EventLoop.currentThreadID(), ordering: .relaxed)
        let timeoutMillis = Int32(max(1, sweepIntervalNanos / 1_000_000))
        while running {
            // Work posted from the loop itself (after the last round) must not wait for a poll timeout.
            let hasWork = pending.withLock { !$0.work.isEmpty }
            let woke = poller.wait(timeoutMilliseconds: hasWork ? 0 : timeoutMillis) { fd, events in
                let i = Int(fd)
                guard i < handlers.count, let handler = handlers[i] else { return }
                handler.handle(events)
            }
            if woke { wakePending.store(false, ordering: .releasing) }
            runPending()
            let now = Posix.now()
            if now >= nextSweep {
                nextSweep = now + sweepIntervalNanos
                for handler in handlers { handler?.sweep(now: now) }
            }
        }
        pending.withLock { $0.stopped = true }
        runPending()
    }

    private func runPending() {
        while true {
            let work = pending.withLock { state -> [@Sendable () -> Void] in
                let taken = state.work
                state.work.removeAll(keepingCapacity: true)
                return taken
            }
            if work.isEmpty { return }
            for item in work { item() }
        }
    }
}

/// Handler tasks can run on their connection's loop thread (``ServerConfiguration/runsHandlersOnEventLoops``):
/// a request then costs no thread hop between the loop and Swift's pool, only those the handler
/// makes itself.
extension EventLoop: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        if !execute({ job.runSynchronously(on: executor) }) {
            // The loop has stopped (shutdown): finish the task elsewhere rather than strand it.
            DispatchQueue.global().async { job.runSynchronously(on: executor) }
        }
    }
}

/// Names the calling thread as `top -H`, `perf` and debuggers show it (at most 15 bytes on Linux,
/// where longer names are refused: `name` is cut to fit).
func nameCurrentThread(_ name: String) {
    let bytes = Array(name.utf8.prefix(15)).map { CChar(bitPattern: $0) } + [0]
    #if canImport(Glibc)
    // Glibc declares `pthread_setname_np` only under _GNU_SOURCE, which Swift's Glibc module
    // does not define: look it up by name.
    typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np") else { return }
    _ = unsafeBitCast(symbol, to: SetName.self)(pthread_self(), bytes)
    #else
    _ = pthread_setname_np(bytes)
    #endif
}

/// Starts a detached POSIX thread running `body`.
func startThread(_ body: @escaping @Sendable () -> Void) {
    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    #if canImport(Glibc)
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { arg in
        Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue().body()
        return nil
    }, box)
    precondition(rc == 0, "pthread_create failed")
    pthread_detach(thread)
    #else
    var thread: pthread_t? = nil
    let rc = pthread_create(&thread, nil, { arg in
        Unmanaged<Box>.fromOpaque(arg).takeRetainedValue().body()
        return nil
    }, box)
    precondition(rc == 0, "pthread_create failed")
    pthread_detach(thread!)
    #endif
}
