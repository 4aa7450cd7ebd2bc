#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One accepted socket: bytes ↔ parser ↔ handler tasks ↔ write queue.
///
/// Requests are answered one at a time, in order (RFC 9112 §9.3.2): while a request is in flight the
/// parser is not asked for the next head, so pipelined bytes wait in its buffer (bounded, then the
/// socket is not read). All state is confined to the owning loop's thread.
final class Connection: LoopHandler, @unchecked Sendable {
    // @unchecked: confined to `loop`'s thread; other threads only reach it through `loop.execute`.
    let loop: EventLoop
    let fd: Int32
    let peerAddress: SocketAddress
    let server: ServerState
    let peer = PeerState()
    var parser: RequestParser
    var output: [UInt8] = []
    var outputOffset = 0
    var pendingFile: (region: FileRegion, sent: Int)? = nil
    var current: Exchange? = nil
    var nextID: UInt64 = 0
    var interest: IOEvents = []
    var closed = false
    var inputClosed = false
    var lingering = false
    var closing = false
    var lingerSince: UInt64 = 0
    // Timestamps (monotonic ns) for the timeouts swept by `sweep(now:)`.
    var headStartedAt: UInt64
    var idleSince: UInt64 = 0
    var lastWriteProgress: UInt64 = 0
    var waitingForFirstRequest = true

    var configuration: ServerConfiguration { server.configuration }

    init(fd: Int32, peer: SocketAddress, loop: EventLoop, server: ServerState) {
        self.fd = fd
        self.peerAddress = peer
        self.loop = loop
        self.server = server
        self.parser = RequestParser(limits: server.configuration.parserLimits)
        self.headStartedAt = Posix.now()
    }

    func start() {
        interest = [.read, .readHangup]
        loop.register(fd, self, interest)
        if server.isShuttingDown.load(ordering: .relaxed) { close() }
    }

    // MARK: Events

    func handle(_ events: IOEvents) {
        if closed { return }
        if events.contains(.read) || events.contains(.error) { readAvailable() }
        if closed { return }
        if events.contains(.readHangup) { peerHalfClosed() }
        if closed { return }
        if events.contains(.write) { flush() }
    }

    private func readAvailable() {
        var reads = 0
        while !closed && !inputClosed && reads < 4 {
            if !lingering && !wantsRead { break }
            reads += 1
            let n = read(fd, loop.readBuffer.baseAddress, loop.readBuffer.count)
            if n > 0 {
                if lingering { continue }  // discarding after our final response
                if current == nil && parser.isIdle {
                    headStartedAt = Posix.now()
                    waitingForFirstRequest = false
                }
                parser.append(UnsafeRawBufferPointer(start: loop.readBuffer.baseAddress, count: n))
                if n < loop.readBuffer.count { break }
            } else if n == 0 {
                inputClosed = true
            } else {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK { break }
                abort()
                return
            }
        }
        if lingering {
            if inputClosed { close() }
            return
        }
        advance()
    }

    /// The peer shut down its sending side. For a streaming response that means the client went
    /// away (SSE); otherwise complete requests already received are still answered.
    private func peerHalfClosed() {
        if let current, current.streaming, !current.responseComplete {
            abort()
            return
        }
        interest.remove(.readHangup)
        updateInterest()
    }

    /// Whether the socket should be read now.
    var wantsRead: Bool {
        if closed || inputClosed { return false }
        if lingering { return true }
        if parser.bufferedByteCount >= configuration.parserLimits.maxHeadBytes + 64 * 1024 { return false }
        if let current, let body = current.body, !current.draining, !current.bodyComplete, body.isPaused { return false }
        return true
    }

    func updateInterest() {
        if closed { return }
        var wanted: IOEvents = []
        if wantsRead { wanted.insert(.read) }
        if outputOffset < output.count || pendingFile != nil { wanted.insert(.write) }
        if interest.contains(.readHangup) { wanted.insert(.readHangup) }
        if wanted != interest {
            interest = wanted
            loop.reregister(fd, wanted)
        }
    }

    // MARK: Request flow

    /// Moves the connection forward after any change: retires a finished exchange, parses more
    /// input, handles end of input, and updates poll interest.
    func advance() {
        if closed || lingering { return }
        processInput()
        if closed || lingering { return }
        if inputClosed {
            if let current {
                // EOF in the middle of a request body: the request cannot complete; close without a response.
                if !current.bodyComplete && !current.draining {
                    abort()
                    return
                }
            } else {
                // Nothing in flight; an incomplete pipelined request is dropped (RFC 9112 §9.6).
                close()
                return
            }
        }
        updateInterest()
    }

    private func processInput() {
        while !closed && !lingering {
            if let exchange = current {
                if exchange.responseComplete && outputOffset == output.count && pendingFile == nil {
                    if exchange.closeAfter {
                        closeGracefully()
                        return
                    }
                    if exchange.bodyComplete {
                        finishExchange()
                        continue
                    }
                    if !exchange.draining { startDraining(exchange) }
                }
                if exchange.bodyComplete { return }
                if let body = exchange.body, !exchange.draining, body.isPaused { return }
            }
            let event: RequestParser.Event?
            do {
                event = try parser.next()
            } catch {
                parseFailed(error)
                return
            }
            guard let event else { return }
            switch event {
            case .head(let head):
                startExchange(head)
            case .body(let bytes):
                guard let exchange = current else { return }
                exchange.lastBodyActivity = Posix.now()
                if exchange.draining {
                    exchange.drainedBytes += bytes.count
                    if exchange.drainedBytes > configuration.maxDrainBytes {
                        close()
                        return
                    }
                } else {
                    _ = exchange.body?.push(bytes)
                }
            case .end:
                guard let exchange = current else { return }
                exchange.bodyComplete = true
                exchange.body?.finish()
            }
        }
    }

    private func finishExchange() {
        current = nil
        idleSince = Posix.now()
        headStartedAt = idleSince
        if server.isShuttingDown.load(ordering: .relaxed) {
            closeGracefully()
        }
    }

    private func startDraining(_ exchange: Exchange) {
        // The handler answered without reading the whole body. Discard the rest (bounded) so the
        // next request can be parsed; a client still waiting for 100 Continue cannot be drained.
        if exchange.expectsContinue && !exchange.continueSent {
            closeGracefully()
            return
        }
        exchange.draining = true
        exchange.lastBodyActivity = Posix.now()
        exchange.body?.abandon()
    }

    private func startExchange(_ head: RequestHead) {
        nextID &+= 1
        let id = nextID
        let now = Posix.now()
        var body: BodyStream? = nil
        switch head.framing {
        case .none:
            break
        case .length(let n):
            body = BodyStream(expectedLength: n, highWater: configuration.bodyBufferBytes) { [loop] in
                loop.execute { [self] in self.bodyDemanded(id) }
            }
        case .chunked:
            body = BodyStream(expectedLength: nil, highWater: configuration.bodyBufferBytes) { [loop] in
                loop.execute { [self] in self.bodyDemanded(id) }
            }
        }
        let exchange = Exchange(id: id, head: head, body: body, now: now)
        current = exchange
        let request = Request(
            method: head.method,
            target: head.target,
            version: head.version,
            headers: head.headers,
            body: body.map { RequestBody(stream: $0) } ?? .empty,
            peer: peerAddress
        )
        let handler = server.handler
        let isHead = exchange.isHead
        let sink = ConnectionSink(connection: self, exchangeID: id, peer: peer)
        let operation: @Sendable () async -> Void = { [loop] in
            let response: Response
            do {
                response = try await handler(request)
            } catch {
                response = error.httpResponse
            }
            if case .stream(let write) = response.body.storage, !isHead, !response.status.forbidsBody {
                loop.execute { [self] in self.responseReady(id, response) }
                let failed: Bool
                do {
                    try await write(ResponseBodyWriter(sink: sink))
                    failed = false
                } catch {
                    failed = true
                }
                loop.execute { [self] in self.streamFinished(id, failed: failed) }
            } else {
                loop.execute { [self] in self.responseReady(id, response) }
            }
        }
        exchange.task = configuration.runsHandlersOnEventLoops ? Task(executorPreference: loop, operation: operation) : Task(operation: operation)
    }

    /// The handler started reading the body: send `100 Continue` if the client waits for it
    /// (RFC 9110 §10.1.1), and resume reading if back-pressure had paused it.
    private func bodyDemanded(_ id: UInt64) {
        guard !closed, let exchange = current, exchange.id == id else { return }
        if exchange.expectsContinue && !exchange.continueSent && !exchange.responseStarted && !exchange.bodyComplete {
            exchange.continueSent = true
            output.append(contentsOf: ResponseSerializer.continueResponse)
            flush()
            if closed { return }
        }
        advance()
    }

    private func parseFailed(_ error: HTTPParseError) {
        // If a response is under way its head is already out: never write a second one.
        if let current, current.responseStarted {
            abort()
            return
        }
        let handlerHadIt = current != nil
        if let current {
            current.body?.fail(error)
            current.task?.cancel()
            self.current = nil
        }
        writeErrorAndClose(error.status, rejected: !handlerHadIt)
    }

    /// Sends a minimal error response with `Connection: close`, then closes gracefully.
    /// - Parameter rejected: no handler saw the request (``ServerConfiguration/onRejected``).
    func writeErrorAndClose(_ status: HTTPStatus, rejected: Bool) {
        let response = configuration.errorResponse(status)
        if rejected { configuration.onRejected?(status, response.body.knownLength ?? 0) }
        let date = loop.dateCache.dateField()
        try? ResponseSerializer.writeHead(
            status: status,
            headers: response.headers,
            framing: .length(response.body.knownLength ?? 0),
            close: true,
            date: date,
            into: &output
        )
        if case .bytes(let bytes) = response.body.storage { output.append(contentsOf: bytes) }
        closeGracefully()
    }
}
