import Synchronization

/// What every connection of one server shares: configuration, the handler, and the counters the
/// listener and shutdown use.
final class ServerState: Sendable {
    let configuration: ServerConfiguration
    let handler: @Sendable (Request) async throws -> Response
    let activeConnections = Atomic<Int>(0)
    let isShuttingDown = Atomic<Bool>(false)
    private let drained = Lock<[CheckedContinuation<Void, Never>]>([])

    init(configuration: ServerConfiguration, handler: @escaping @Sendable (Request) async throws -> Response) {
        self.configuration = configuration
        self.handler = handler
    }

    /// Called once per closed connection.
    func connectionClosed() {
        let remaining = activeConnections.subtract(1, ordering: .acquiringAndReleasing).newValue
        if remaining == 0 { resumeDrainWaiters() }
    }

    /// Returns when no connection is open.
    func waitUntilNoConnections() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = drained.withLock { waiters -> Bool in
                if activeConnections.load(ordering: .acquiring) == 0 { return true }
                waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func resumeDrainWaiters() {
        let waiters = drained.withLock { w -> [CheckedContinuation<Void, Never>] in
            if activeConnections.load(ordering: .acquiring) != 0 { return [] }
            defer { w.removeAll() }
            return w
        }
        for waiter in waiters { waiter.resume() }
    }
}
