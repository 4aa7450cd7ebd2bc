#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file and a byte range of it, to be sent as a response body. The descriptor is closed
/// when the region is released.
public final class FileRegion: Sendable {
    /// Why a file could not be opened as a region.
    public enum OpenError: Error, Sendable, Equatable {
        /// `open(2)` or `fstat(2)` failed with this errno.
        case system(Int32)
        /// The requested range is not inside the file.
        case rangeOutOfBounds
        /// The path names something other than a regular file.
        case notRegularFile
    }

    let descriptor: Int32
    /// The first byte of the region.
    public let offset: Int
    /// The number of bytes in the region.
    public let length: Int

    /// Opens `path` read-only and selects `range` (the whole file when nil).
    public init(path: String, range: Range<Int>? = nil) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw OpenError.system(errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw OpenError.system(code)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw OpenError.notRegularFile
        }
        let size = Int(info.st_size)
        let selected = range ?? 0..<size
        guard selected.lowerBound >= 0, selected.upperBound <= size else {
            close(fd)
            throw OpenError.rangeOutOfBounds
        }
        descriptor = fd
        offset = selected.lowerBound
        length = selected.count
    }

    deinit { close(descriptor) }

    func readAll() throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let n = result.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, length - done, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw OpenError.system(n < 0 ? errno : EIO) }
            done += n
        }
        return result
    }
}
