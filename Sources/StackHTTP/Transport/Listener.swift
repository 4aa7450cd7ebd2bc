#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The listening socket: binds IPv4 or IPv6, accepts in batches on the first loop, enforces the
/// connection cap, backs off on resource errors, and deals connections round-robin to the loops.
// @unchecked Sendable: used only on the first loop's thread; other threads reach it through `execute`.
final class Listener: LoopHandler, @unchecked Sendable {
    let fd: Int32
    let address: SocketAddress
    private let loops: [EventLoop]
    private let server: ServerState
    private var nextLoop = 0
    private var backoffUntil: UInt64 = 0
    private var paused = false
    private var closed = false

    /// Binds and listens. Throws the failing call and errno.
    init(configuration: ServerConfiguration, loops: [EventLoop], server: ServerState) throws {
        self.loops = loops
        self.server = server
        var host = configuration.host
        if host == "localhost" { host = "127.0.0.1" }
        var storage = sockaddr_storage()
        var length: socklen_t
        let family: Int32
        if host.contains(":") {
            family = AF_INET6
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = in_port_t(UInt16(configuration.port).bigEndian)
            guard inet_pton(AF_INET6, host, &sin6.sin6_addr) == 1 else { throw Posix.Error(call: "inet_pton", code: EINVAL) }
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: sin6, as: sockaddr_in6.self) }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            family = AF_INET
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = in_port_t(UInt16(configuration.port).bigEndian)
            guard inet_pton(AF_INET, host, &sin.sin_addr) == 1 else { throw Posix.Error(call: "inet_pton", code: EINVAL) }
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: sin, as: sockaddr_in.self) }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        #if canImport(Glibc)
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(family, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Posix.Error(call: "socket", code: errno) }
        Posix.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        if family == AF_INET6 {
            // "::" serves IPv4 too (dual stack); a specific IPv6 address serves only itself.
            Posix.setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, host == "::" ? 0 : 1)
        }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let code = errno
            Posix.close(fd)
            throw Posix.Error(call: "bind", code: code)
        }
        guard listen(fd, configuration.backlog) == 0 else {
            let code = errno
            Posix.close(fd)
            throw Posix.Error(call: "listen", code: code)
        }
        Posix.setNonBlocking(fd)
        length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.address = SocketAddress(storage: &storage) ?? SocketAddress(host: host, port: configuration.port)
    }

    func start() {
        loops[0].register(fd, self, [.read])
    }

    func close() {
        if closed { return }
        closed = true
        loops[0].deregister(fd)
        Posix.close(fd)
    }

    func handle(_ events: IOEvents) {
        if closed || paused { return }
        let configuration = server.configuration
        for _ in 0..<64 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(fd, $0, &length) }
            }
            if client < 0 {
                let code = errno
                switch code {
                case EINTR, ECONNABORTED, EPROTO:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    return
                default:
                    // EMFILE, ENFILE, ENOBUFS, ENOMEM…: stop accepting for a while instead of spinning.
                    pause()
                    return
                }
            }
            Posix.setNonBlocking(client)
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            Posix.setOption(client, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            #if canImport(Darwin)
            Posix.setOption(client, SOL_SOCKET, SO_NOSIGPIPE, 1)
            #endif
            let active = server.activeConnections.load(ordering: .relaxed)
            if active >= configuration.maxConnections || server.isShuttingDown.load(ordering: .relaxed) {
                if configuration.overloadBehavior == .serviceUnavailable {
                    _ = Listener.overloadResponse(configuration).withUnsafeBytes {
                        Posix.send(client, $0.baseAddress!, $0.count)
                    }
                    shutdown(client, Int32(SHUT_WR))
                }
                Posix.close(client)
                continue
            }
            server.activeConnections.add(1, ordering: .relaxed)
            let peer = SocketAddress(storage: &storage) ?? .unspecified
            let loop = loops[nextLoop % loops.count]
            nextLoop &+= 1
            let server = self.server
            loop.execute {
                Connection(fd: client, peer: peer, loop: loop, server: server).start()
            }
        }
    }

    private func pause() {
        paused = true
        backoffUntil = Posix.now() + server.configuration.acceptBackoff.nanoseconds
        loops[0].reregister(fd, [])
    }

    func sweep(now: UInt64) {
        if paused && !closed && now >= backoffUntil {
            paused = false
            loops[0].reregister(fd, [.read])
        }
    }
}

extension Listener {
    /// The 503 written to a connection accepted over the limit (built by the configuration's
    /// ``ServerConfiguration/errorResponse``), with `Connection: close`.
    static func overloadResponse(_ configuration: ServerConfiguration) -> [UInt8] {
        let response = configuration.errorResponse(.serviceUnavailable)
        var body: [UInt8] = []
        if case .bytes(let bytes) = response.body.storage { body = bytes }
        var out: [UInt8] = []
        do {
            try ResponseSerializer.writeHead(
                status: .serviceUnavailable, headers: response.headers, framing: .length(body.count), close: true,
                date: DateCache.format(time(nil)), into: &out)
        } catch {
            out = Array("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
            body = []
        }
        return out + body
    }
}
