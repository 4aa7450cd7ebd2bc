

/// An HTTP/1.1 server on non-blocking POSIX sockets: one event-loop thread per core, handlers run
/// as Swift tasks.
///
/// ```swift
/// var router = Router<BasicRequestContext>()
/// router.on("/hello", method: .GET) { _, _ in .text("Hello, world!") }
/// let server = Server(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), router: router)
/// let address = try server.start()          // bound; address.port is the real port
/// // … later, e.g. on SIGTERM:
/// await server.shutdown(gracePeriod: .seconds(10))
/// ```
///
/// Or with a plain handler: `Server(configuration: c) { request in Response.text("hi") }`.
public final class Server: Sendable {
    private enum Phase {
        case idle
        case running(loops: [EventLoop], listener: Listener)
        case stopping
        case stopped
    }

    private struct Lifecycle: @unchecked Sendable {
        // @unchecked: only touched under `lifecycle`'s Lock; the loop/listener references are
        // used from other threads only through `EventLoop.execute`.
        var phase: Phase = .idle
        var address: SocketAddress? = nil
        var runningLoops = 0
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: ServerState
    private let lifecycle = Lock(Lifecycle())

    /// Creates a server that answers every request with `handler`. An error thrown by the handler
    /// becomes its ``HTTPResponseError`` response, or a bare 500.
    public init(
        configuration: ServerConfiguration = ServerConfiguration(),
        handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        state = ServerState(configuration: configuration, handler: handler)
    }

    /// Creates a server that dispatches requests through `router`.
    public convenience init<Context: RequestContext>(configuration: ServerConfiguration = ServerConfiguration(), router: Router<Context>) {
        let responder = router.makeResponder()
        self.init(configuration: configuration, handler: responder)
    }

    /// The configuration in force.
    public var configuration: ServerConfiguration { state.configuration }

    /// Where the server listens once started (with the real port when the configured port was 0).
    public var localAddress: SocketAddress? { lifecycle.withLock { $0.address } }

    /// The number of open client connections.
    public var connectionCount: Int { state.activeConnections.load(ordering: .relaxed) }

    /// Binds, listens and starts the event-loop threads. Returns the bound address.
    ///
    /// - Throws: when the address cannot be bound (e.g. in use), or the server was already started.
    @discardableResult
    public func start() throws -> SocketAddress {
        let configuration = state.configuration
        Posix.ignoreSIGPIPE()
        let shortest = min(
            configuration.requestHeadTimeout, configuration.bodyInactivityTimeout, configuration.idleTimeout,
            configuration.acceptBackoff, configuration.lingerTimeout)
        let sweep = min(Duration.milliseconds(250), shortest / 4)
        var loops: [EventLoop] = []
        for i in 0..<max(1, configuration.threadCount) {
            loops.append(try EventLoop(index: i, sweepInterval: sweep))
        }
        let listener = try Listener(configuration: configuration, loops: loops, server: state)
        try lifecycle.withLock { l in
            guard case .idle = l.phase else {
                listener.close()
                throw ServerError.alreadyStarted
            }
            l.phase = .running(loops: loops, listener: listener)
            l.address = listener.address
            l.runningLoops = loops.count
        }
        let onStart = configuration.onEventLoopStart
        for (index, loop) in loops.enumerated() {
            startThread { [self] in
                nameCurrentThread("stack.http.\(index)")
                onStart?()
                loop.run()
                self.loopExited()
            }
        }
        loops[0].execute { listener.start() }
        return listener.address
    }

    private func loopExited() {
        let waiters = lifecycle.withLock { l -> [CheckedContinuation<Void, Never>] in
            l.runningLoops -= 1
            guard l.runningLoops == 0 else { return [] }
            l.phase = .stopped
            defer { l.stopWaiters.removeAll() }
            return l.stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Graceful shutdown: stop accepting, close idle connections, let in-flight requests finish
    /// (each connection closes after its current response) for up to `gracePeriod`, then close
    /// everything and stop the threads. Returns when the threads have stopped.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        let running: ([EventLoop], Listener)? = lifecycle.withLock { l in
            if case .running(let loops, let listener) = l.phase {
                l.phase = .stopping
                return (loops, listener)
            }
            return nil
        }
        guard let (loops, listener) = running else {
            await waitUntilStopped()
            return
        }
        state.isShuttingDown.store(true, ordering: .releasing)
        loops[0].execute { listener.close() }
        for loop in loops {
            loop.execute {
                for case let connection as Connection in loop.registered { connection.beginShutdown() }
            }
        }
        let state = self.state
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await state.waitUntilNoConnections() }
            group.addTask { try? await Task.sleep(for: gracePeriod) }
            await group.next()
            group.cancelAll()
            for loop in loops {
                loop.execute {
                    for case let connection as Connection in loop.registered { connection.close() }
                }
            }
        }
        for loop in loops { loop.execute { loop.stop() } }
        await waitUntilStopped()
    }

    /// Returns once the server has stopped (after ``shutdown(gracePeriod:)``), or at once if it never started.
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = lifecycle.withLock { l -> Bool in
                switch l.phase {
                case .idle, .stopped: return true
                case .running, .stopping:
                    l.stopWaiters.append(continuation)
                    return false
                }
            }
            if now { continuation.resume() }
        }
    }
}

/// Errors from starting a server.
public enum ServerError: Error, Sendable {
    /// ``Server/start()`` was called twice.
    case alreadyStarted
}
