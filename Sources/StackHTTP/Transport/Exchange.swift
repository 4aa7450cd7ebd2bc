import Synchronization

/// One request/response exchange on a connection. Loop-thread state, except `peer` which is shared
/// with the handler's streaming writer.
final class Exchange {
    let id: UInt64
    let keepAlive: Bool
    let isHead: Bool
    /// The request is HTTP/1.0: a streamed body goes to it as it is and ends when the connection
    /// closes, as it cannot read chunked framing (RFC 9112 §6.1).
    let isHTTP10: Bool
    let body: BodyStream?
    let expectsContinue: Bool
    var continueSent = false
    var bodyComplete: Bool
    /// The response head was queued.
    var responseStarted = false
    /// The whole response was queued (bytes, file region, or the last chunk of a stream).
    var responseComplete = false
    var streaming = false
    var closeAfter = false
    var draining = false
    var drainedBytes = 0
    var lastBodyActivity: UInt64
    var task: Task<Void, Never>? = nil
    var writeWaiter: CheckedContinuation<Void, any Error>? = nil

    init(id: UInt64, head: RequestHead, body: BodyStream?, now: UInt64) {
        self.id = id
        self.keepAlive = head.keepAlive
        self.isHead = head.method == .HEAD
        self.isHTTP10 = head.version.minor == 0
        self.body = body
        self.expectsContinue = head.expectsContinue
        self.bodyComplete = false  // set by the parser's `.end`, which follows a bodyless head at once
        self.lastBodyActivity = now
    }
}

/// Whether the peer of a connection is gone, readable from any thread (the streaming writer).
final class PeerState: Sendable {
    private let closed = Atomic<Bool>(false)
    private let waiters = Lock<[CheckedContinuation<Void, Never>]>([])

    var isClosed: Bool { closed.load(ordering: .acquiring) }

    func markClosed() {
        closed.store(true, ordering: .releasing)
        let pending = waiters.withLock { w -> [CheckedContinuation<Void, Never>] in
            defer { w.removeAll() }
            return w
        }
        for waiter in pending { waiter.resume() }
    }

    func waitForClose() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = waiters.withLock { w -> Bool in
                if closed.load(ordering: .acquiring) { return true }
                w.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// The streaming writer's view of a connection: every call hops to the loop thread.
struct ConnectionSink: ResponseBodySink {
    let connection: Connection
    let exchangeID: UInt64
    let peer: PeerState

    func write(_ bytes: [UInt8]) async throws {
        if peer.isClosed { throw ConnectionClosedError() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            connection.loop.execute { [connection, exchangeID] in
                connection.streamWrite(exchangeID, bytes, continuation)
            }
        }
    }

    func waitForPeerClose() async { await peer.waitForClose() }

    var isPeerClosed: Bool { peer.isClosed }
}
