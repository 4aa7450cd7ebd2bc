/// A response body: bytes, a region of a file, or a stream written piece by piece.
///
/// ```swift
/// .string("hello")                                   // Content-Length: 5
/// .bytes(jsonBytes)
/// try .file(atPath: path, range: 0..<1024)            // sendfile(2) on Linux
/// .stream { writer in                                // Transfer-Encoding: chunked
///     while !Task.isCancelled {
///         try await writer.write(Array("data: tick\n\n".utf8))   // throws once the peer has gone
///         try await Task.sleep(for: .seconds(1))
///     }
/// }
/// ```
///
/// A streaming handler is told that the peer closed in three ways: its task is cancelled, the
/// next ``ResponseBodyWriter/write(_:)`` throws ``ConnectionClosedError``, and
/// ``ResponseBodyWriter/waitForPeerClose()`` returns.
public struct ResponseBody: Sendable {
    enum Storage: Sendable {
        case bytes([UInt8])
        case file(FileRegion)
        case stream(@Sendable (ResponseBodyWriter) async throws -> Void)
    }

    let storage: Storage

    /// No content (`Content-Length: 0`).
    public static let empty = ResponseBody(storage: .bytes([]))

    /// The given bytes.
    public static func bytes(_ bytes: [UInt8]) -> ResponseBody { ResponseBody(storage: .bytes(bytes)) }

    /// The UTF-8 bytes of a string.
    public static func string(_ string: String) -> ResponseBody { ResponseBody(storage: .bytes(Array(string.utf8))) }

    /// A region of an open file, sent with `sendfile(2)` on Linux (read + write elsewhere).
    public static func file(_ region: FileRegion) -> ResponseBody { ResponseBody(storage: .file(region)) }

    /// A region of the file at `path` (the whole file when `range` is nil).
    ///
    /// - Throws: ``FileRegion/OpenError`` when the file cannot be opened or the range is outside it.
    public static func file(atPath path: String, range: Range<Int>? = nil) throws -> ResponseBody {
        ResponseBody(storage: .file(try FileRegion(path: path, range: range)))
    }

    /// An open-ended body produced by `write`, sent with chunked coding until `write` returns.
    /// If `write` throws after bytes were sent, the connection is closed (the response is truncated).
    public static func stream(_ write: @escaping @Sendable (ResponseBodyWriter) async throws -> Void) -> ResponseBody {
        ResponseBody(storage: .stream(write))
    }

    /// The exact length when known in advance (bytes and file regions).
    public var knownLength: Int? {
        switch storage {
        case .bytes(let bytes): bytes.count
        case .file(let region): region.length
        case .stream: nil
        }
    }

    /// Produces the whole body in memory (for tests that call a router directly).
    public func collect() async throws -> [UInt8] {
        switch storage {
        case .bytes(let bytes):
            return bytes
        case .file(let region):
            return try region.readAll()
        case .stream(let write):
            let sink = CollectingSink()
            try await write(ResponseBodyWriter(sink: sink))
            return sink.bytes
        }
    }
}

/// What a streaming body writes into.
protocol ResponseBodySink: Sendable {
    func write(_ bytes: [UInt8]) async throws
    func waitForPeerClose() async
    var isPeerClosed: Bool { get }
}

/// Writes pieces of a streaming response body. Each ``write(_:)`` returns once the bytes are queued
/// and the connection's send buffer is below its high-water mark (back-pressure).
public struct ResponseBodyWriter: Sendable {
    let sink: any ResponseBodySink

    /// Sends `bytes` as one chunk (nothing is sent for an empty array).
    /// - Throws: ``ConnectionClosedError`` when the peer has gone away.
    public func write(_ bytes: [UInt8]) async throws {
        if bytes.isEmpty { return }
        try await sink.write(bytes)
    }

    /// Sends the UTF-8 bytes of `string`.
    public func write(_ string: String) async throws { try await write(Array(string.utf8)) }

    /// Whether the peer is known to have closed the connection.
    public var isPeerClosed: Bool { sink.isPeerClosed }

    /// Returns when the peer closes the connection (or the server shuts it down).
    public func waitForPeerClose() async { await sink.waitForPeerClose() }
}



/// A sink that keeps what is written, for ``ResponseBody/collect()``.
final class CollectingSink: ResponseBodySink {
    private let storage = Lock<[UInt8]>([])
    var bytes: [UInt8] { storage.withLock { $0 } }
    func write(_ bytes: [UInt8]) async throws { storage.withLock { $0.append(contentsOf: bytes) } }
    func waitForPeerClose() async {}
    var isPeerClosed: Bool { false }
}
