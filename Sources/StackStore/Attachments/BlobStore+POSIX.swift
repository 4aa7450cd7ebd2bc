#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The POSIX calls the blob store makes, each retrying `EINTR` and turning a failure into
/// `BlobStoreError.io` with the errno captured right after the call.
enum BlobFileIO {
    static func error(_ operation: String, _ path: String, _ code: Int32 = errno) -> BlobStoreError {
        .io(operation: operation, path: path, errno: code)
    }

    /// `open(2)` with `O_CLOEXEC` added.
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o600) throws(BlobStoreError) -> Int32 {
        while true {
            #if canImport(Glibc)
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            #else
            let fd = Darwin.open(path, flags | O_CLOEXEC, mode)
            #endif
            if fd >= 0 { return fd }
            let code = errno
            if code == EINTR { continue }
            throw error("open", path, code)
        }
    }

    /// Closes `fd` once; `close(2)` is never retried (the descriptor is gone even on `EINTR`).
    static func close(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    /// Writes all of `buffer`, continuing after partial writes and `EINTR`.
    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws(BlobStoreError) {
        guard var pointer = buffer.baseAddress else { return }
        var remaining = buffer.count
        while remaining > 0 {
            #if canImport(Glibc)
            let n = Glibc.write(fd, pointer, remaining)
            #else
            let n = Darwin.write(fd, pointer, remaining)
            #endif
            if n >= 0 {
                pointer += n
                remaining -= n
                continue
            }
            let code = errno
            if code == EINTR { continue }
            throw error("write", path, code)
        }
    }

    /// Reads up to `buffer.count` bytes at `offset` with `pread(2)`; returns the count read (0 at end).
    static func pread(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, offset: Int64, path: String)
        throws(BlobStoreError) -> Int
    {
        while true {
            #if canImport(Glibc)
            let n = Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            #else
            let n = Darwin.pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            #endif
            if n >= 0 { return n }
            let code = errno
            if code == EINTR { continue }
            throw error("read", path, code)
        }
    }

    /// Flushes the file's data and metadata to stable storage.
    ///
    /// Linux `fsync(2)` reaches the device; on Darwin `fsync` only reaches the drive's cache, so
    /// `F_FULLFSYNC` is asked first (falling back to `fsync` where the file system refuses it).
    static func fsync(_ fd: Int32, path: String) throws(BlobStoreError) {
        #if canImport(Darwin)
        if fcntl(fd, F_FULLFSYNC) == 0 { return }
        #endif
        while true {
            #if canImport(Glibc)
            let result = Glibc.fsync(fd)
            #else
            let result = Darwin.fsync(fd)
            #endif
            if result == 0 { return }
            let code = errno
            if code == EINTR { continue }
            throw error("fsync", path, code)
        }
    }

    /// Makes a directory's entries (a rename or a new file) durable: open it read-only and fsync it.
    static func fsyncDirectory(_ path: String) throws(BlobStoreError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    /// Creates a directory; returns `false` when it already existed.
    @discardableResult
    static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws(BlobStoreError) -> Bool {
        if mkdir(path, mode) == 0 { return true }
        let code = errno
        if code == EEXIST, isDirectory(path) { return false }
        throw error("mkdir", path, code)
    }

    /// Creates a directory and any missing parents (`mkdir -p`).
    static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws(BlobStoreError) {
        if isDirectory(path) { return }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectories(String(path[..<slash]), mode: mode)
        }
        try makeDirectory(path, mode: mode)
    }

    static func rename(_ from: String, _ to: String) throws(BlobStoreError) {
        #if canImport(Glibc)
        let result = Glibc.rename(from, to)
        #else
        let result = Darwin.rename(from, to)
        #endif
        if result != 0 { throw error("rename", to) }
    }

    /// Removes a file; returns `false` when there was none.
    @discardableResult
    static func unlink(_ path: String) throws(BlobStoreError) -> Bool {
        #if canImport(Glibc)
        let result = Glibc.unlink(path)
        #else
        let result = Darwin.unlink(path)
        #endif
        if result == 0 { return true }
        let code = errno
        if code == ENOENT { return false }
        throw error("unlink", path, code)
    }

    /// `stat(2)` of `path`, or `nil` if it does not exist.
    static func status(_ path: String) throws(BlobStoreError) -> stat? {
        var info = stat()
        if stat(path, &info) == 0 { return info }
        let code = errno
        if code == ENOENT || code == ENOTDIR { return nil }
        throw error("stat", path, code)
    }

    static func status(of fd: Int32, path: String) throws(BlobStoreError) -> stat {
        var info = stat()
        if fstat(fd, &info) == 0 { return info }
        throw error("fstat", path)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func isRegularFile(_ info: stat) -> Bool {
        (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The names in a directory, without `.` and `..`.
    static func entries(of path: String) throws(BlobStoreError) -> [String] {
        guard let directory = opendir(path) else { throw error("opendir", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
