#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address and port, as text (e.g. the peer of a request, or where the server listens).
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// The numeric host, e.g. `"127.0.0.1"` or `"::1"` (IPv4-mapped IPv6 peers are shown as IPv4).
    public let host: String
    /// The port.
    public let port: Int
    /// Whether the address is IPv6.
    public let isIPv6: Bool

    /// Creates an address from a numeric host and a port.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
        self.isIPv6 = host.contains(":")
    }

    /// An empty address, for requests built without a connection.
    public static let unspecified = SocketAddress(host: "", port: 0)

    /// `host:port`, or `[host]:port` for IPv6.
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    init?(storage: UnsafePointer<sockaddr_storage>) {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.pointee.ss_family) {
        case AF_INET:
            let ok = storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin -> Bool in
                var addr = sin.pointee.sin_addr
                return inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count)) != nil
            }
            guard ok else { return nil }
            let port = storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            self.init(host: String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), port: port)
        case AF_INET6:
            let ok = storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 -> Bool in
                var addr = sin6.pointee.sin6_addr
                return inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count)) != nil
            }
            guard ok else { return nil }
            let port = storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            var host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if host.hasPrefix("::ffff:"), host.contains(".") { host.removeFirst(7) }
            self.init(host: host, port: port)
        default:
            return nil
        }
    }
}
