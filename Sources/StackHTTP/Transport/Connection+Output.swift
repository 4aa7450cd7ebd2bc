#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing responses: heads, bodies, file regions, stream chunks; flushing with partial-write
/// progress; graceful and abortive close.
extension Connection {
    /// The handler produced `response` for exchange `id` (on the loop thread).
    func responseReady(_ id: UInt64, _ response: Response) {
        guard !closed, !closing, let exchange = current, exchange.id == id, !exchange.responseStarted else { return }
        exchange.responseStarted = true
        var response = response
        var closeAfter = !exchange.keepAlive || server.isShuttingDown.load(ordering: .relaxed)
            || response.headers.containsToken("close", in: "Connection")
        // RFC 9110 §10.1.1: the client may still send the body it held back; we cannot tell where
        // the next request starts, so close.
        if !exchange.bodyComplete && exchange.expectsContinue && !exchange.continueSent { closeAfter = true }
        if !exchange.bodyComplete, let expected = exchange.body?.expectedLength, expected > configuration.maxDrainBytes,
            !isStream(response)
        {
            closeAfter = true
        }
        let bodyAllowed = !exchange.isHead && !response.status.forbidsBody
        var framing = ResponseSerializer.framing(
            status: response.status, knownLength: response.body.knownLength, http10: exchange.isHTTP10)
        if framing == .closeDelimited { closeAfter = true }
        exchange.closeAfter = closeAfter
        let date = loop.dateCache.dateField()
        do {
            try ResponseSerializer.writeHead(
                status: response.status, headers: response.headers, framing: framing, close: closeAfter, date: date,
                into: &output)
        } catch {
            // A field with CR/LF/NUL would split the response (RFC 9110 §5.5): answer 500 instead.
            response = Response.text("Internal Server Error\n", status: .internalServerError)
            framing = .length(response.body.knownLength ?? 0)
            try? ResponseSerializer.writeHead(
                status: response.status, headers: response.headers, framing: framing, close: closeAfter, date: date,
                into: &output)
        }
        switch response.body.storage {
        case .bytes(let bytes):
            if bodyAllowed { output.append(contentsOf: bytes) }
            exchange.responseComplete = true
        case .file(let region):
            if bodyAllowed && region.length > 0 { pendingFile = (region, 0) }
            exchange.responseComplete = true
        case .stream:
            if bodyAllowed && (framing == .chunked || framing == .closeDelimited) {
                exchange.streaming = true
            } else {
                exchange.responseComplete = true
            }
        }
        lastWriteProgress = Posix.now()
        flush()
    }

    private func isStream(_ response: Response) -> Bool {
        if case .stream = response.body.storage { return true }
        return false
    }

    /// A piece of a streaming body; `continuation` resumes once the output is below the high-water mark.
    func streamWrite(_ id: UInt64, _ bytes: [UInt8], _ continuation: CheckedContinuation<Void, any Error>) {
        guard !closed, !closing, let exchange = current, exchange.id == id, exchange.streaming,
            !exchange.responseComplete
        else {
            continuation.resume(throwing: ConnectionClosedError())
            return
        }
        if outputOffset == output.count { lastWriteProgress = Posix.now() }  // the write-stall clock starts now
        if exchange.isHTTP10 {
            output.append(contentsOf: bytes)
        } else {
            ResponseSerializer.writeChunk(bytes, into: &output)
        }
        flush()
        if closed {
            continuation.resume(throwing: ConnectionClosedError())
        } else if output.count - outputOffset < configuration.responseBufferBytes {
            continuation.resume()
        } else {
            exchange.writeWaiter = continuation
        }
    }

    /// The streaming body's closure returned (or threw: then the response is cut short by closing).
    func streamFinished(_ id: UInt64, failed: Bool) {
        guard !closed, let exchange = current, exchange.id == id, exchange.streaming, !exchange.responseComplete else {
            return
        }
        if failed {
            abort()
            return
        }
        if !exchange.isHTTP10 { output.append(contentsOf: ResponseSerializer.lastChunk) }
        exchange.responseComplete = true
        flush()
    }

    /// Writes as much pending output as the socket takes; arms write interest on EAGAIN.
    func flush() {
        if closed { return }
        while outputOffset < output.count {
            let n = output.withUnsafeBytes { Posix.send(fd, $0.baseAddress! + outputOffset, $0.count - outputOffset) }
            if n > 0 {
                outputOffset += n
                lastWriteProgress = Posix.now()
                continue
            }
            let code = errno
            if n < 0 && code == EINTR { continue }
            if n < 0 && (code == EAGAIN || code == EWOULDBLOCK) {
                resumeWriterIfBelowMark()
                updateInterest()
                return
            }
            abort()
            return
        }
        if output.capacity > 1 << 20 { output = [] } else { output.removeAll(keepingCapacity: true) }
        outputOffset = 0
        if var file = pendingFile {
            while file.sent < file.region.length {
                do {
                    let chunk = min(file.region.length - file.sent, 1 << 20)
                    guard
                        let n = try Posix.sendFile(
                            socket: fd, file: file.region.descriptor, offset: file.region.offset + file.sent,
                            count: chunk, scratch: loop.readBuffer)
                    else {
                        pendingFile = file
                        updateInterest()
                        return
                    }
                    if n == 0 {  // the file shrank under us: the promised length cannot be met
                        abort()
                        return
                    }
                    file.sent += n
                    lastWriteProgress = Posix.now()
                } catch {
                    abort()
                    return
                }
            }
            pendingFile = nil
        }
        resumeWriterIfBelowMark()
        if closing {
            enterLinger()
            return
        }
        if let current, current.responseComplete {
            advance()
        } else {
            updateInterest()
        }
    }

    private func resumeWriterIfBelowMark() {
        guard let exchange = current, let waiter = exchange.writeWaiter,
            output.count - outputOffset < configuration.responseBufferBytes
        else { return }
        exchange.writeWaiter = nil
        waiter.resume()
    }

    /// Finishes sending what is queued, then half-closes and lingers (RFC 9112 §9.6).
    func closeGracefully() {
        if closed || closing { return }
        closing = true
        if let exchange = current, !exchange.responseComplete || !exchange.bodyComplete {
            exchange.body?.fail(ConnectionClosedError())
            if !exchange.responseComplete { exchange.task?.cancel() }
        }
        flush()
    }

    private func enterLinger() {
        if closed { return }
        if inputClosed {
            close()
            return
        }
        shutdown(fd, Int32(SHUT_WR))
        lingering = true
        lingerSince = Posix.now()
        interest.remove(.readHangup)
        updateInterest()
    }

    /// Closes at once (peer gone, protocol error after a response started, timeout).
    func abort() { close() }

    /// Deregisters and closes the descriptor exactly once, and tells everyone waiting.
    func close() {
        if closed { return }
        closed = true
        loop.deregister(fd)
        Posix.close(fd)
        peer.markClosed()
        if let exchange = current {
            exchange.body?.fail(ConnectionClosedError())
            exchange.task?.cancel()
            exchange.writeWaiter?.resume(throwing: ConnectionClosedError())
            exchange.writeWaiter = nil
        }
        current = nil
        pendingFile = nil
        output = []
        server.connectionClosed()
    }

    // MARK: Timeouts and shutdown

    func sweep(now: UInt64) {
        if closed { return }
        let c = configuration
        if lingering {
            if now &- lingerSince > c.lingerTimeout.nanoseconds { close() }
            return
        }
        if outputOffset < output.count || pendingFile != nil {
            if now &- lastWriteProgress > c.bodyInactivityTimeout.nanoseconds { abort() }
            return
        }
        if closing { return }
        if let exchange = current {
            guard !exchange.bodyComplete else { return }
            let waitingForClient = exchange.draining
                || (!(exchange.body?.isPaused ?? false) && (!exchange.expectsContinue || exchange.continueSent))
            guard waitingForClient, now &- exchange.lastBodyActivity > c.bodyInactivityTimeout.nanoseconds else { return }
            if exchange.responseStarted {
                abort()
            } else {
                exchange.body?.fail(HTTPError(.requestTimeout))
                exchange.task?.cancel()
                current = nil
                writeErrorAndClose(.requestTimeout, rejected: false)
            }
            return
        }
        if parser.isIdle {
            if waitingForFirstRequest {
                if now &- headStartedAt > c.requestHeadTimeout.nanoseconds { close() }
            } else if now &- idleSince > c.idleTimeout.nanoseconds {
                close()
            }
        } else if now &- headStartedAt > c.requestHeadTimeout.nanoseconds {
            writeErrorAndClose(.requestTimeout, rejected: true)  // RFC 9110 §15.5.9
        }
    }

    /// Server shutdown: idle connections close now; busy ones close after their current response.
    func beginShutdown() {
        if closed { return }
        if let exchange = current {
            if exchange.responseStarted { exchange.closeAfter = true }
            return
        }
        if parser.isIdle { close() } else { closeGracefully() }
    }
}
