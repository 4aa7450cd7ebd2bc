/// A pure, incremental HTTP/1.1 request parser: bytes in, head / body / end events out.
///
/// It never performs I/O. Feed it whatever arrived with ``append(_:)`` and pull events with
/// ``next()`` until it returns `nil` (it needs more bytes). Every limit in ``ParserLimits`` is
/// checked as bytes arrive, so a hostile peer cannot make it buffer more than the limits allow
/// beyond what the caller appended. After an error the parser stays failed and the connection
/// must be closed (RFC 9112 §11.2: no request smuggling).
///
/// ```swift
/// var parser = RequestParser()
/// parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
/// while let event = try parser.next() {
///     switch event {
///     case .head(let head): print(head.method, head.target)
///     case .body(let bytes): print(bytes.count)
///     case .end: print("request complete")
///     }
/// }
/// ```
public struct RequestParser: Sendable {
    /// What the parser produced.
    public enum Event: Sendable {
        /// A complete request head. Always followed, eventually, by zero or more `.body` and one `.end`.
        case head(RequestHead)
        /// A piece of the (de-chunked) request body.
        case body([UInt8])
        /// The request is complete; the next event belongs to the next request.
        case end
    }

    enum State: Sendable {
        case head
        case body(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(consumed: Int)
        case endPending
        case failed(HTTPParseError)
    }

    /// The limits in force.
    public let limits: ParserLimits
    var buffer: [UInt8] = []
    var start = 0
    var state: State = .head
    // Head scan progress, as offsets from `start`, so that bytes are examined once.
    var scanned = 0
    var lineStart = 0
    var requestLineEnd: Int? = nil

    /// Creates a parser enforcing `limits`.
    public init(limits: ParserLimits = ParserLimits()) {
        self.limits = limits
        buffer.reserveCapacity(4096)
    }

    /// Bytes appended but not yet turned into events.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Whether the parser is between requests with nothing buffered (a clean place to close).
    public var isIdle: Bool {
        if case .head = state { return start == buffer.count }
        return false
    }

    /// Whether the parser is in the middle of a request head (bytes received, head not complete).
    public var isReadingHead: Bool {
        if case .head = state { return true }
        return false
    }

    /// Appends received bytes.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes.bindMemory(to: UInt8.self))
    }

    /// Appends received bytes.
    public mutating func append(_ bytes: [UInt8]) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    private mutating func compact() {
        if start == buffer.count {
            if start > 0 {
                buffer.removeAll(keepingCapacity: buffer.capacity <= 256 * 1024)
                start = 0
            }
        } else if start >= 16 * 1024 && start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }

    /// Returns the next event, or `nil` when more bytes are needed.
    ///
    /// - Throws: ``HTTPParseError`` for a malformed or over-limit request; the parser stays failed.
    public mutating func next() throws(HTTPParseError) -> Event? {
        do {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step() throws(HTTPParseError) -> Event? {
        switch state {
        case .failed(let error):
            throw error
        case .head:
            guard let head = try scanHead() else { return nil }
            switch head.framing {
            case .none, .length(0): state = .endPending
            case .length(let n): state = .body(remaining: n)
            case .chunked: state = .chunkSize
            }
            return .head(head)
        case .endPending:
            state = .head
            return .end
        case .body(let remaining):
            let available = buffer.count - start
            guard available > 0 else { return nil }
            let n = min(available, remaining)
            let bytes = Array(buffer[start..<start + n])
            start += n
            state = n == remaining ? .endPending : .body(remaining: remaining - n)
            return .body(bytes)
        case .chunkSize:
            return try parseChunkSize()
        case .chunkData(let remaining):
            let available = buffer.count - start
            guard available > 0 else { return nil }
            let n = min(available, remaining)
            let bytes = Array(buffer[start..<start + n])
            start += n
            state = n == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - n)
            return .body(bytes)
        case .chunkDataEnd:
            // RFC 9112 §7.1: chunk-data is followed by exactly CRLF.
            guard buffer.count - start >= 2 else {
                if buffer.count - start == 1, buffer[start] != ByteClass.cr {
                    throw .bad("chunk data not followed by CRLF")
                }
                return nil
            }
            guard buffer[start] == ByteClass.cr, buffer[start + 1] == ByteClass.lf else {
                throw .bad("chunk data not followed by CRLF")
            }
            start += 2
            state = .chunkSize
            return try parseChunkSize()
        case .trailers(let consumed):
            return try parseTrailers(consumed: consumed)
        }
    }

    /// Scans for the end of the head, enforcing CRLF discipline and size limits on the way;
    /// parses it once complete.
    private mutating func scanHead() throws(HTTPParseError) -> RequestHead? {
        while true {
            switch try scanHeadStep() {
            case .needMore: return nil
            case .skippedEmptyLine: continue
            case .head(let head): return head
            }
        }
    }

    private enum ScanStep {
        case needMore
        case skippedEmptyLine
        case head(RequestHead)
    }

    private mutating func scanHeadStep() throws(HTTPParseError) -> ScanStep {
        let limits = self.limits
        var scanned = self.scanned
        var lineStart = self.lineStart
        var requestLineEnd = self.requestLineEnd
        let start = self.start
        let result: Int? = try buffer.withUnsafeBufferPointer { (all) throws(HTTPParseError) -> Int? in
            let count = all.count - start
            let base = all.baseAddress! + start
            while scanned < count {
                let off = scanned
                let b = base[off]
                scanned += 1
                if requestLineEnd == nil, off + 1 > limits.maxTargetBytes + 64 {
                    throw HTTPParseError(.uriTooLong, "request line too long")
                }
                if off + 1 > limits.maxHeadBytes {
                    throw HTTPParseError(.requestHeaderFieldsTooLarge, "request head too large")
                }
                if b == ByteClass.lf {
                    // RFC 9112 §2.2: a bare LF is not a line terminator we accept.
                    guard off > 0, base[off - 1] == ByteClass.cr else { throw .bad("bare LF in head") }
                    let lineEnd = off - 1
                    if lineEnd == lineStart {
                        // RFC 9112 §2.2: empty lines before the request line are ignored.
                        if requestLineEnd == nil { return -(off + 1) }
                        return lineStart  // end of fields; the head is [0, lineStart)
                    }
                    if requestLineEnd == nil { requestLineEnd = lineEnd }
                    lineStart = off + 1
                } else if off > 0, base[off - 1] == ByteClass.cr {
                    throw .bad("bare CR in head")  // RFC 9112 §2.2
                }
            }
            return nil
        }
        guard let fieldsEnd = result else {
            self.scanned = scanned
            self.lineStart = lineStart
            self.requestLineEnd = requestLineEnd
            return .needMore
        }
        if fieldsEnd < 0 {
            self.start = start - fieldsEnd
            self.scanned = 0
            self.lineStart = 0
            return .skippedEmptyLine
        }
        let head = try buffer.withUnsafeBufferPointer { (all) throws(HTTPParseError) -> RequestHead in
            let head = UnsafeBufferPointer(rebasing: all[start..<start + fieldsEnd])
            return try HeadParser.parse(head, requestLineEnd: requestLineEnd!, limits: limits)
        }
        self.start = start + fieldsEnd + 2
        self.scanned = 0
        self.lineStart = 0
        self.requestLineEnd = nil
        return .head(head)
    }
}
