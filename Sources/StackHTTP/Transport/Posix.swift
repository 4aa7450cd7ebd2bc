#if canImport(Glibc)
import Glibc
import CSystem
#elseif canImport(Darwin)
import Darwin
#endif

/// One place for system calls: `EINTR` is retried, `EAGAIN` is reported as nil, errno is captured
/// where it happens (NIO's `syscall(blocking:)` pattern).
enum Posix {
    struct Error: Swift.Error, CustomStringConvertible {
        let call: String
        let code: Int32
        var description: String { "\(call) failed: errno \(code)" }
    }

    /// Runs `body` until it does not fail with EINTR. Returns nil on EAGAIN/EWOULDBLOCK.
    @inline(__always)
    static func retrying<T: BinaryInteger>(_ call: String, _ body: () -> T) throws(Error) -> T? {
        while true {
            let result = body()
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return nil }
            throw Error(call: call, code: code)
        }
    }

    static func onlineProcessorCount() -> Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Monotonic time in nanoseconds.
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Writing to a reset socket must not kill the process (we also pass MSG_NOSIGNAL on every send).
    static func ignoreSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)
    }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) {
        var v = value
        _ = setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Sends without raising SIGPIPE.
    static func send(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.send(fd, pointer, count, Int32(MSG_NOSIGNAL))
        #else
        return Darwin.send(fd, pointer, count, 0)
        #endif
    }

    /// Copies up to `count` bytes of `file` at `offset` to `socket`. Returns bytes sent, nil on EAGAIN.
    static func sendFile(socket: Int32, file: Int32, offset: Int, count: Int, scratch: UnsafeMutableRawBufferPointer)
        throws(Error) -> Int?
    {
        #if canImport(Glibc)
        var off = off_t(offset)
        return try retrying("sendfile") { Glibc.sendfile(socket, file, &off, count) }
        #else
        // Fallback: pread into scratch, then send what the socket takes.
        let n = try retrying("pread") { pread(file, scratch.baseAddress, min(count, scratch.count), off_t(offset)) }
        guard let n, n > 0 else { return n == 0 ? 0 : nil }
        return try retrying("send") { send(socket, scratch.baseAddress!, n) }
        #endif
    }

    /// Closes a descriptor exactly once; EINTR means closed (never retry close).
    static func close(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }
}
