/// A request as the API sees it: method, target, headers, the peer's address and a body to read.
///
/// The server adapter builds one per HTTP request; tests can build them directly.
public struct APIRequest: Sendable {
    /// The method, uppercase (`GET`).
    public var method: String
    /// The request target as sent: path and optional `?query`.
    public var target: String
    /// Header fields in order; names compare case-insensitively.
    public var headers: [(name: String, value: String)]
    /// The client's address (for anonymous rate limits and the failed-authentication back-off).
    public var peerAddress: String
    /// The body, read on demand.
    public var body: any APIRequestBody

    public init(
        method: String, target: String, headers: [(name: String, value: String)] = [], peerAddress: String = "local",
        body: any APIRequestBody = BufferedRequestBody([])
    ) {
        self.method = method
        self.target = target
        self.headers = headers
        self.peerAddress = peerAddress
        self.body = body
    }

    /// The first value of the named header (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { HeaderName.equal($0.name, name) }?.value
    }
}

/// A request body, read once, either whole (JSON) or as a stream of chunks (attachments).
public protocol APIRequestBody: Sendable {
    /// The `Content-Length`, when the client sent one (`nil` for chunked bodies).
    var declaredLength: Int? { get }
    /// The next chunk of bytes, or `nil` at the end of the body.
    func nextChunk() async throws -> [UInt8]?
}

extension APIRequestBody {
    /// Reads the whole body, refusing more than `limit` bytes (413 — before reading anything when
    /// `Content-Length` already says so, SPEC §3).
    public func collect(upTo limit: Int) async throws -> [UInt8] {
        if let declaredLength, declaredLength > limit { throw Problem.payloadTooLarge(limit: limit) }
        var bytes: [UInt8] = []
        while let chunk = try await nextChunk() {
            guard bytes.count + chunk.count <= limit else { throw Problem.payloadTooLarge(limit: limit) }
            bytes += chunk
        }
        return bytes
    }
}

/// A body already in memory.
public final class BufferedRequestBody: APIRequestBody {
    private let state: Mutex<[UInt8]?>
    public let declaredLength: Int?

    public init(_ bytes: [UInt8]) {
        state = Mutex(bytes)
        declaredLength = bytes.count
    }

    public func nextChunk() async throws -> [UInt8]? {
        state.withLock { bytes in
            defer { bytes = nil }
            return bytes.flatMap { $0.isEmpty ? nil : $0 }
        }
    }
}

import Synchronization
