import StackJSON
import StackStore

/// A response as the API builds it, before the server writes it: status, headers, body bytes.
///
/// Routes return these so they can be tested without a socket; the server adapter turns one into a
/// `StackHTTP` response. `Content-Length`, `Date` and connection headers are the server's business.
public struct APIResponse: Sendable {
    public var status: Int
    /// Header fields in order; names are compared case-insensitively.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// A file range to send instead of `body` (attachments); the server closes it when done.
    public var file: OpenBlob?
    /// An open-ended body written piece by piece instead of `body` (`GET /changes/stream`); sent
    /// with chunked coding until it returns or throws (a write throws once the peer has gone).
    public var stream: ResponseStreamProducer?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response (`application/json` unless told otherwise).
    public init(status: Int = 200, json: JSON, contentType: String = MediaTypes.json) {
        self.status = status
        self.headers = [("Content-Type", contentType)]
        self.body = json.serialized()
    }

    /// 204 No Content.
    public static var noContent: APIResponse { APIResponse(status: 204) }

    /// The first value of the named header (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { HeaderName.equal($0.name, name) }?.value
    }

    /// Replaces every field of that name with one.
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { HeaderName.equal($0.name, name) }
        headers.append((name, value))
    }
}

/// Writes one piece of a streamed response body; throws once the peer has gone away.
public typealias ResponseStreamWrite = @Sendable ([UInt8]) async throws -> Void
/// Produces a streamed response body through the write function it is given.
public typealias ResponseStreamProducer = @Sendable (_ write: ResponseStreamWrite) async throws -> Void

/// Media types the API reads and writes.
public enum MediaTypes {
    public static let json = "application/json"
    public static let problemJSON = "application/problem+json"
    public static let mergePatchJSON = "application/merge-patch+json"
    public static let octetStream = "application/octet-stream"
    public static let eventStream = "text/event-stream"

    /// The media type of a `Content-Type` value without parameters, lowercased
    /// (`"Application/JSON; charset=utf-8"` → `"application/json"`).
    public static func essence(of contentType: String?) -> String? {
        guard let contentType else { return nil }
        let type = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmed = type.trimming(" \t")
        return trimmed.isEmpty ? nil : trimmed.lowercased()
    }

    /// Checks a JSON request's `Content-Type` (SPEC §2: 415 unless `application/json`, or
    /// `application/merge-patch+json` where a merge patch is expected). A `charset` other than UTF-8 is refused.
    public static func requireJSON(_ contentType: String?, allowMergePatch: Bool = false) throws(Problem) {
        let accepted = allowMergePatch ? [json, mergePatchJSON] : [json]
        // The usual exact spelling: nothing to parse.
        if let contentType, contentType == json || (allowMergePatch && contentType == mergePatchJSON) { return }
        guard let essence = essence(of: contentType), accepted.contains(essence) else {
            throw Problem.unsupportedMediaType(expected: accepted, got: contentType)
        }
        if let charset = parameter("charset", in: contentType!), charset.lowercased() != "utf-8" {
            throw Problem.unsupportedMediaType(expected: accepted.map { "\($0); charset=utf-8" }, got: contentType)
        }
    }

    private static func parameter(_ name: String, in contentType: String) -> String? {
        for part in contentType.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimming(" \t").lowercased() == name else { continue }
            return pair[1].trimming(" \t\"")
        }
        return nil
    }
}

extension StringProtocol {
    /// Drops the given characters from both ends (Foundation-free).
    func trimming(_ set: String) -> String {
        // Fast path: nothing to trim at either end (an ASCII set can only match an ASCII first or last byte).
        var slice = Substring(self)
        if let first = slice.utf8.first, let last = slice.utf8.last, set.utf8.allSatisfy({ $0 < 0x80 }),
            !set.utf8.contains(first), !set.utf8.contains(last)
        {
            return String(slice)
        }
        let characters = Set(set)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
