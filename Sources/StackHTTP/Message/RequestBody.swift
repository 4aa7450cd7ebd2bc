/// A request body, read incrementally as an `AsyncSequence` of byte chunks or collected whole.
///
/// Reading is back-pressured: while the handler does not consume, the server stops reading the
/// socket, so a 1 GiB upload can be streamed to disk with flat memory. For a request with
/// `Expect: 100-continue`, `100 Continue` is sent when the handler first reads the body; a handler
/// that answers without reading never receives it (RFC 9110 §10.1.1).
///
/// ```swift
/// // Stream to a file:
/// for try await chunk in request.body { try file.write(chunk) }
/// // Or collect, answering 413 past a limit:
/// let bytes = try await request.body.collect(upTo: 64 * 1024)
/// ```
///
/// A body can be iterated once.
public struct RequestBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = any Error

    enum Source: Sendable {
        case bytes([UInt8])
        case stream(BodyStream)
    }

    let source: Source

    init(stream: BodyStream) { source = .stream(stream) }

    /// A body made of the given bytes (for tests that call a router directly).
    public init(bytes: [UInt8]) { source = .bytes(bytes) }

    /// An empty body.
    public static let empty = RequestBody(bytes: [])

    /// The declared length (`Content-Length`), if known before reading.
    public var expectedLength: Int? {
        switch source {
        case .bytes(let bytes): bytes.count
        case .stream(let stream): stream.expectedLength
        }
    }

    /// Iterates the body's chunks; throws if the connection fails mid-body.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var source: Source
        var done = false

        public mutating func next() async throws -> [UInt8]? {
            if done { return nil }
            switch source {
            case .bytes(let bytes):
                done = true
                return bytes.isEmpty ? nil : bytes
            case .stream(let stream):
                let chunk = try await stream.next()
                if chunk == nil { done = true }
                return chunk
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: source) }

    /// Reads the whole body into memory.
    ///
    /// - Parameter limit: the largest body accepted, in bytes.
    /// - Throws: ``HTTPError`` with status 413 (Content Too Large) when the body is, or announces
    ///   to be, larger than `limit` — without reading it when `Content-Length` says so; any
    ///   connection error otherwise.
    public func collect(upTo limit: Int) async throws -> [UInt8] {
        if let expectedLength, expectedLength > limit { throw HTTPError(.contentTooLarge) }
        var result: [UInt8] = []
        if let expectedLength { result.reserveCapacity(expectedLength) }
        for try await chunk in self {
            if result.count + chunk.count > limit { throw HTTPError(.contentTooLarge) }
            result.append(contentsOf: chunk)
        }
        return result
    }
}
