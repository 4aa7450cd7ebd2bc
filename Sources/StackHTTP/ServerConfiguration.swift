/// Everything the server can be told: where to listen, how many threads, limits and timeouts.
///
/// ```swift
/// var configuration = ServerConfiguration(host: "::", port: 8080)   // IPv6 + IPv4 (dual stack)
/// configuration.maxConnections = 4096
/// configuration.idleTimeout = .seconds(30)
/// ```
public struct ServerConfiguration: Sendable {
    /// What to do with a connection accepted beyond ``maxConnections``.
    public enum OverloadBehavior: Sendable {
        /// Close it at once.
        case close
        /// Send a `503 Service Unavailable` with `Connection: close`, then close it.
        case serviceUnavailable
    }

    /// The numeric address to bind: `"127.0.0.1"`, `"0.0.0.0"`, `"::1"`, `"::"` (dual stack), or `"localhost"`.
    public var host: String
    /// The port; 0 picks a free one (read it from ``Server/localAddress`` after ``Server/start()``).
    public var port: Int
    /// Event-loop threads; defaults to the number of online cores.
    public var threadCount: Int
    /// The `listen(2)` backlog.
    public var backlog: Int32 = 1024
    /// The most connections served at once (default 1024); see ``overloadBehavior``.
    public var maxConnections: Int = 1024
    /// What happens to connections beyond ``maxConnections``.
    public var overloadBehavior: OverloadBehavior = .serviceUnavailable
    /// Time allowed to receive a whole request head, from its first byte or from accept (default 10 s);
    /// then `408` and close.
    public var requestHeadTimeout: Duration = .seconds(10)
    /// Longest pause while receiving a request body or sending a response (default 30 s); then close.
    public var bodyInactivityTimeout: Duration = .seconds(30)
    /// Longest idle time between requests on a kept-alive connection (default 60 s); then close.
    public var idleTimeout: Duration = .seconds(60)
    /// Parser limits (head 16 KiB → 431, target 8 KiB → 414, …).
    public var parserLimits = ParserLimits()
    /// Request body bytes buffered ahead of the handler before the server stops reading the socket.
    public var bodyBufferBytes: Int = 256 * 1024
    /// Unread request body bytes the server will discard to keep a connection alive after a
    /// response that did not read the body; beyond that it closes the connection.
    public var maxDrainBytes: Int = 1024 * 1024
    /// Pending response bytes beyond which ``ResponseBodyWriter/write(_:)`` waits for the socket.
    public var responseBufferBytes: Int = 256 * 1024
    /// Pause before retrying `accept` after a resource error such as `EMFILE`.
    public var acceptBackoff: Duration = .milliseconds(100)
    /// How long to keep reading (and discarding) after sending a final response and half-closing,
    /// so the client reads the response before a reset (RFC 9112 §9.6).
    public var lingerTimeout: Duration = .seconds(2)
    /// Whether handler tasks prefer their connection's event-loop thread as executor (default
    /// `false`: Swift's global pool). On the loop a request costs no thread hop between the loop
    /// and the pool, but a handler's CPU work then holds up the other connections of that loop, so
    /// turn it on only for handlers that never block and do little work between suspensions.
    public var runsHandlersOnEventLoops = false
    /// Runs on each event-loop thread as it starts, before it serves anything: where an
    /// application gives the thread resources of its own (StackAPI: a read connection to the store,
    /// for handlers running on the loop).
    public var onEventLoopStart: (@Sendable () -> Void)?
    /// Builds the responses the server writes on its own, without a handler: parse errors (400,
    /// 413, 414, 431, 501, 505), timeouts (408) and overload (503). Its body must be bytes; framing
    /// headers are the server's. The default is a short `text/plain` reason phrase; an application
    /// sets this to answer those errors in its own format (StackAPI: problem+json with `nosniff`).
    public var errorResponse: @Sendable (HTTPStatus) -> Response = { status in
        Response.text(status.reasonPhrase + "\n", status: status)
    }
    /// Called on the loop thread for each request the server answers on its own before a handler
    /// saw it: a malformed or oversized head (400, 414, 431, 501, 505) or one not received in time
    /// (408). An application logs it (StackAPI: an access-log line with `-` for method and path).
    /// Not called when a handler had the request (its body failed: the handler answers for it).
    /// Its arguments are the status and the size of the body sent with it.
    public var onRejected: (@Sendable (_ status: HTTPStatus, _ bodyBytes: Int) -> Void)?

    /// Creates a configuration listening on `host:port`.
    public init(host: String = "127.0.0.1", port: Int = 8080, threadCount: Int? = nil) {
        self.host = host
        self.port = port
        self.threadCount = threadCount ?? Posix.onlineProcessorCount()
    }
}

extension Duration {
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
