#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random bytes from the operating system's cryptographically secure generator.
///
/// Use it for every secret (token secrets, token ids, anything an attacker must not guess). It never
/// uses a seeded or user-space generator:
/// - Linux: `getentropy(3)`, glibc's wrapper of the `getrandom(2)` system call (blocks only until the
///   kernel pool is initialised at boot), in chunks of at most 256 bytes as the call requires;
///   if the call is unavailable (`ENOSYS` on an old kernel) it reads `/dev/urandom` instead.
/// - Darwin: `arc4random_buf(3)`, the kernel-seeded ChaCha20 generator, which cannot fail.
///
/// If no secure source can be read at all the process traps: there is no safe way to continue
/// issuing secrets (the standard library's `SystemRandomNumberGenerator` makes the same choice).
///
/// ```swift
/// let key = SecureRandom.bytes(32)
/// ```
public enum SecureRandom {
    /// Fills `buffer` with secure random bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        #if canImport(Darwin)
        arc4random_buf(base, buffer.count)
        #else
        var offset = 0
        while offset < buffer.count {
            // getentropy(3): "The maximum permitted value for the length argument is 256."
            let chunk = min(256, buffer.count - offset)
            if getentropy(base + offset, chunk) == 0 {
                offset += chunk
                continue
            }
            let error = errno
            if error == EINTR { continue }
            readDevURandom(UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]), after: error)
            return
        }
        #endif
    }

    /// `count` secure random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "negative byte count")
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// A uniformly distributed secure random `UInt64`.
    public static func uint64() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { fill($0) }
        return value
    }

    #if !canImport(Darwin)
    /// Fallback for kernels without `getrandom(2)`: read the device until the buffer is full.
    private static func readDevURandom(_ buffer: UnsafeMutableRawBufferPointer, after error: Int32) {
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            fatalError(
                "SecureRandom: getentropy failed (errno \(error)) and /dev/urandom cannot be opened (errno \(errno))")
        }
        defer { _ = close(fd) }
        var offset = 0
        while offset < buffer.count {
            let n = read(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                fatalError("SecureRandom: reading /dev/urandom failed (errno \(errno))")
            }
        }
    }
    #endif
}
