
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blob opened for reading a byte range: a read-only file descriptor plus the range to send.
///
/// Owns the descriptor and closes it when released or on `close()`. To hand the descriptor to code
/// that will close it itself (an event loop sending it with `sendfile(2)`), call `takeDescriptor()`.
/// The file is immutable once in place, and stays readable through this descriptor even if the
/// blob is removed meanwhile (POSIX unlink semantics).
public final class OpenBlob: Sendable {
    /// First byte of the range, from the start of the blob.
    public let offset: Int64
    /// Number of bytes in the range.
    public let length: Int64
    /// Size of the whole blob.
    public let blobSize: Int64

    private let path: String
    /// The descriptor while this object still owns it; `nil` once closed or taken.
    private let owned: Locked<Int32?>

    init(descriptor: Int32, offset: Int64, length: Int64, blobSize: Int64, path: String) {
        self.owned = Locked(descriptor)
        self.offset = offset
        self.length = length
        self.blobSize = blobSize
        self.path = path
    }

    deinit {
        if let fd = owned.withLock({ $0 }) { BlobFileIO.close(fd) }
    }

    /// The open descriptor, still owned by this object (valid until `close()` or release);
    /// `nil` after `close()` or `takeDescriptor()`.
    public var descriptor: Int32? {
        owned.withLock { $0 }
    }

    /// Transfers ownership of the descriptor to the caller, who must close it. Returns `nil` if it
    /// was already closed or taken.
    public func takeDescriptor() -> Int32? {
        owned.withLock { fd in
            defer { fd = nil }
            return fd
        }
    }

    /// Closes the descriptor now (idempotent).
    public func close() {
        if let fd = takeDescriptor() { BlobFileIO.close(fd) }
    }

    /// Calls `body` with successive chunks (up to 256 KiB) of the range, read with `pread(2)`.
    /// Blocking.
    public func forEachChunk(
        _ body: (UnsafeRawBufferPointer) throws(BlobStoreError) -> Void
    ) throws(BlobStoreError) {
        guard let fd = descriptor else { throw .closed }
        let chunkSize = Int(min(length, 256 * 1024))
        guard chunkSize > 0 else { return }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var position = offset
        let end = offset + length
        while position < end {
            let want = Int(min(Int64(chunkSize), end - position))
            let n = try BlobFileIO.pread(
                fd, UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]), offset: position, path: path)
            // The blob is immutable: an early end means it was truncated behind our back.
            if n == 0 { throw BlobFileIO.error("read", path, EIO) }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            position += Int64(n)
        }
    }

    /// The whole range read into memory. Blocking.
    public func readAll() throws(BlobStoreError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(length))
        try forEachChunk { chunk in bytes.append(contentsOf: chunk) }
        return bytes
    }
}
