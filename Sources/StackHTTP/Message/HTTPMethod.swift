/// An HTTP request method (RFC 9110 §9), compared case-sensitively as the RFC requires.
///
/// Any token is a valid method; the common ones are provided as constants:
/// ```swift
/// if request.method == .GET { ... }
/// ```
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The method token as sent on the wire, e.g. `"GET"`.
    public let rawValue: String

    /// Creates a method from its token. The token is not validated here; the parser only produces valid tokens.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Creates a method from its token.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static let GET = HTTPMethod("GET")
    public static let HEAD = HTTPMethod("HEAD")
    public static let POST = HTTPMethod("POST")
    public static let PUT = HTTPMethod("PUT")
    public static let PATCH = HTTPMethod("PATCH")
    public static let DELETE = HTTPMethod("DELETE")
    public static let OPTIONS = HTTPMethod("OPTIONS")
    public static let CONNECT = HTTPMethod("CONNECT")
    public static let TRACE = HTTPMethod("TRACE")

    /// Returns the shared instance for a well-known method token, avoiding an allocation per request.
    static func fromToken(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPMethod {
        switch bytes.count {
        case 3:
            if bytes[0] == 0x47, bytes[1] == 0x45, bytes[2] == 0x54 { return .GET }
            if bytes[0] == 0x50, bytes[1] == 0x55, bytes[2] == 0x54 { return .PUT }
        case 4:
            if bytes[0] == 0x50, bytes[1] == 0x4F, bytes[2] == 0x53, bytes[3] == 0x54 { return .POST }
            if bytes[0] == 0x48, bytes[1] == 0x45, bytes[2] == 0x41, bytes[3] == 0x44 { return .HEAD }
        default: break
        }
        return HTTPMethod(String(decoding: bytes, as: UTF8.self))
    }
}
