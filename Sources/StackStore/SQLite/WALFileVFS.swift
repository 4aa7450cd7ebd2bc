import CSQLite

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A thin VFS over the platform's default one (`unix`) that changes one thing: how the WAL file
/// is written and read.
///
/// SQLite writes each WAL frame as two writes (a 24-byte header, then the page), and a build
/// without `pread`/`pwrite` (Debian's) turns each into `lseek` + `write`: four system calls per
/// 4 KiB page, a third of the writer's time on random updates. Here a WAL file gets a descriptor
/// of its own; a frame header is held back until its page follows and both go out in one
/// `pwritev`, and reads use `pread`. Everything else (opening, locking, shared memory, sync,
/// truncation, the database file itself) is the default VFS's own code, so the files stay
/// exactly what any SQLite reads and writes.
///
/// The WAL file carries no POSIX locks (WAL mode locks the `-shm` file and the database), so a
/// second descriptor on it is safe to open and close. A held-back header is written before any
/// other operation on the file, so nothing can observe the file without it.
enum WALFileVFS {
    /// The name connections open with (`sqlite3_open_v2`'s `zVfs`).
    static let name = "stack-wal"

    /// Registers the VFS once; `false` if the platform has no default VFS to wrap.
    static let isRegistered: Bool = register()

    private static func register() -> Bool {
        guard let base = sqlite3_vfs_find(nil), let methods = makeMethods() else { return false }
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        vfs.initialize(to: base.pointee)
        vfs.pointee.zName = UnsafePointer(strdup(name))
        vfs.pointee.pNext = nil
        vfs.pointee.szOsFile = Int32(ShimFile.headerSize) + base.pointee.szOsFile
        vfs.pointee.pAppData = UnsafeMutableRawPointer(base)
        vfs.pointee.xOpen = shimOpen
        shimMethods = methods
        return sqlite3_vfs_register(vfs, 0) == SQLITE_OK
    }

    /// The methods of every file this VFS opens (set once, before registration).
    nonisolated(unsafe) fileprivate static var shimMethods: UnsafeMutablePointer<sqlite3_io_methods>?

    private static func makeMethods() -> UnsafeMutablePointer<sqlite3_io_methods>? {
        let methods = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        methods.initialize(to: sqlite3_io_methods())
        methods.pointee.iVersion = 3
        methods.pointee.xClose = { file in
            let shim = ShimFile(file!)
            shim.flush()
            if shim.fd >= 0 { close(shim.fd) }
            return shim.real.pointee.pMethods?.pointee.xClose?(shim.real) ?? SQLITE_OK
        }
        methods.pointee.xRead = { file, buffer, amount, offset in
            let shim = ShimFile(file!)
            if let error = shim.flush() { return error }
            guard shim.fd >= 0 else { return shim.real.pointee.pMethods!.pointee.xRead!(shim.real, buffer, amount, offset) }
            return shim.read(buffer!, Int(amount), offset)
        }
        methods.pointee.xWrite = { file, buffer, amount, offset in
            let shim = ShimFile(file!)
            guard shim.fd >= 0 else { return shim.real.pointee.pMethods!.pointee.xWrite!(shim.real, buffer, amount, offset) }
            return shim.write(buffer!, Int(amount), offset)
        }
        methods.pointee.xTruncate = { file, size in
            let shim = ShimFile(file!)
            if let error = shim.flush() { return error }
            return shim.real.pointee.pMethods!.pointee.xTruncate!(shim.real, size)
        }
        methods.pointee.xSync = { file, flags in
            let shim = ShimFile(file!)
            if let error = shim.flush() { return error }
            return shim.real.pointee.pMethods!.pointee.xSync!(shim.real, flags)
        }
        methods.pointee.xFileSize = { file, size in
            let shim = ShimFile(file!)
            if let error = shim.flush() { return error }
            return shim.real.pointee.pMethods!.pointee.xFileSize!(shim.real, size)
        }
        methods.pointee.xLock = { file, lock in
            let shim = ShimFile(file!)
            return shim.real.pointee.pMethods!.pointee.xLock!(shim.real, lock)
        }
        methods.pointee.xUnlock = { file, lock in
            let shim = ShimFile(file!)
            return shim.real.pointee.pMethods!.pointee.xUnlock!(shim.real, lock)
        }
        methods.pointee.xCheckReservedLock = { file, result in
            let shim = ShimFile(file!)
            return shim.real.pointee.pMethods!.pointee.xCheckReservedLock!(shim.real, result)
        }
        methods.pointee.xFileControl = { file, op, argument in
            let shim = ShimFile(file!)
            if let error = shim.flush() { return error }
            return shim.real.pointee.pMethods!.pointee.xFileControl!(shim.real, op, argument)
        }
        methods.pointee.xSectorSize = { file in
            let shim = ShimFile(file!)
            return shim.real.pointee.pMethods!.pointee.xSectorSize!(shim.real)
        }
        methods.pointee.xDeviceCharacteristics = { file in
            let shim = ShimFile(file!)
            return shim.real.pointee.pMethods!.pointee.xDeviceCharacteristics!(shim.real)
        }
        methods.pointee.xShmMap = { file, page, pageSize, extend, pointer in
            let shim = ShimFile(file!)
            guard let map = shim.real.pointee.pMethods!.pointee.xShmMap else { return SQLITE_IOERR }
            return map(shim.real, page, pageSize, extend, pointer)
        }
        methods.pointee.xShmLock = { file, offset, count, flags in
            let shim = ShimFile(file!)
            guard let lock = shim.real.pointee.pMethods!.pointee.xShmLock else { return SQLITE_IOERR }
            return lock(shim.real, offset, count, flags)
        }
        methods.pointee.xShmBarrier = { file in
            let shim = ShimFile(file!)
            shim.real.pointee.pMethods!.pointee.xShmBarrier?(shim.real)
        }
        methods.pointee.xShmUnmap = { file, delete in
            let shim = ShimFile(file!)
            guard let unmap = shim.real.pointee.pMethods!.pointee.xShmUnmap else { return SQLITE_OK }
            return unmap(shim.real, delete)
        }
        methods.pointee.xFetch = { file, offset, amount, pointer in
            let shim = ShimFile(file!)
            guard let fetch = shim.real.pointee.pMethods!.pointee.xFetch else {
                pointer?.pointee = nil
                return SQLITE_OK
            }
            return fetch(shim.real, offset, amount, pointer)
        }
        methods.pointee.xUnfetch = { file, offset, pointer in
            let shim = ShimFile(file!)
            guard let unfetch = shim.real.pointee.pMethods!.pointee.xUnfetch else { return SQLITE_OK }
            return unfetch(shim.real, offset, pointer)
        }
        return methods
    }
}

/// `xOpen`: opens the file with the default VFS into the space after the shim's header, and, for
/// a WAL file, a descriptor of the shim's own.
private func shimOpen(
    _ vfs: UnsafeMutablePointer<sqlite3_vfs>?, _ name: sqlite3_filename?, _ file: UnsafeMutablePointer<sqlite3_file>?,
    _ flags: Int32, _ outFlags: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let base = vfs!.pointee.pAppData!.assumingMemoryBound(to: sqlite3_vfs.self)
    let shim = ShimFile(file!)
    shim.fd = -1
    shim.pendingLength = 0
    let code = base.pointee.xOpen!(base, name, shim.real, flags, outFlags)
    guard code == SQLITE_OK, shim.real.pointee.pMethods != nil else {
        file!.pointee.pMethods = nil
        return code
    }
    if flags & SQLITE_OPEN_WAL != 0, let name {
        shim.fd = open(name, (flags & SQLITE_OPEN_READWRITE != 0 ? O_RDWR : O_RDONLY) | O_CLOEXEC)
        // Should that fail, the file is read and written through the default VFS.
    }
    file!.pointee.pMethods = UnsafePointer(WALFileVFS.shimMethods)
    return SQLITE_OK
}

/// A view of the memory SQLite gives the VFS for one open file: the `sqlite3_file` the shim
/// presents, the shim's own fields, then the default VFS's file.
private struct ShimFile {
    // Layout (bytes): 0 sqlite3_file (its methods pointer) · 8 fd (Int32) · 12 pendingLength
    // (Int32) · 16 pendingOffset (Int64) · 24 the held-back frame header (24 bytes) · 48 the
    // default VFS's file.
    static let headerSize = 48
    static let frameHeaderSize = 24

    let base: UnsafeMutableRawPointer

    init(_ file: UnsafeMutablePointer<sqlite3_file>) { base = UnsafeMutableRawPointer(file) }

    var real: UnsafeMutablePointer<sqlite3_file> { (base + Self.headerSize).assumingMemoryBound(to: sqlite3_file.self) }

    var fd: Int32 {
        get { base.load(fromByteOffset: 8, as: Int32.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: 8, as: Int32.self) }
    }

    var pendingLength: Int32 {
        get { base.load(fromByteOffset: 12, as: Int32.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: 12, as: Int32.self) }
    }

    var pendingOffset: Int64 {
        get { base.load(fromByteOffset: 16, as: Int64.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: 16, as: Int64.self) }
    }

    var pendingBytes: UnsafeMutableRawPointer { base + 24 }

    /// Writes `amount` bytes at `offset`, holding back a lone frame header for its page.
    func write(_ buffer: UnsafeRawPointer, _ amount: Int, _ offset: Int64) -> Int32 {
        if pendingLength > 0 {
            if offset == pendingOffset + Int64(pendingLength) {
                // The page that follows its header: both in one system call.
                var vectors = [
                    iovec(iov_base: pendingBytes, iov_len: Int(pendingLength)),
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: buffer), iov_len: amount),
                ]
                let start = pendingOffset
                let total = Int(pendingLength) + amount
                pendingLength = 0
                let written = vectors.withUnsafeMutableBufferPointer { pwritev(fd, $0.baseAddress, 2, off_t(start)) }
                if written == total { return SQLITE_OK }
                if written < 0 && errno != EINTR { return Self.writeError(errno) }
                // Short or interrupted: finish the simple way.
                var contiguous = [UInt8](repeating: 0, count: total)
                contiguous.withUnsafeMutableBytes { bytes in
                    bytes.baseAddress!.copyMemory(from: pendingBytes, byteCount: total - amount)
                    (bytes.baseAddress! + (total - amount)).copyMemory(from: buffer, byteCount: amount)
                }
                return contiguous.withUnsafeBytes { writeAll($0.baseAddress!, total, start) }
            }
            if let error = flush() { return error }
        }
        if amount == Self.frameHeaderSize {
            pendingBytes.copyMemory(from: buffer, byteCount: amount)
            pendingOffset = offset
            pendingLength = Int32(amount)
            return SQLITE_OK
        }
        return writeAll(buffer, amount, offset)
    }

    /// Writes out a held-back header, if any; the error code when that fails.
    @discardableResult
    func flush() -> Int32? {
        guard pendingLength > 0 else { return nil }
        let length = Int(pendingLength)
        pendingLength = 0
        let code = writeAll(pendingBytes, length, pendingOffset)
        return code == SQLITE_OK ? nil : code
    }

    private func writeAll(_ buffer: UnsafeRawPointer, _ amount: Int, _ offset: Int64) -> Int32 {
        var done = 0
        while done < amount {
            let n = pwrite(fd, buffer + done, amount - done, off_t(offset + Int64(done)))
            if n < 0 {
                if errno == EINTR { continue }
                return Self.writeError(errno)
            }
            if n == 0 { return SQLITE_FULL }
            done += n
        }
        return SQLITE_OK
    }

    /// Reads like the default VFS: a short read zero-fills the rest and says so.
    func read(_ buffer: UnsafeMutableRawPointer, _ amount: Int, _ offset: Int64) -> Int32 {
        var done = 0
        while done < amount {
            let n = pread(fd, buffer + done, amount - done, off_t(offset + Int64(done)))
            if n < 0 {
                if errno == EINTR { continue }
                return SQLITE_IOERR | (1 << 8)  // SQLITE_IOERR_READ
            }
            if n == 0 { break }
            done += n
        }
        if done < amount {
            (buffer + done).initializeMemory(as: UInt8.self, repeating: 0, count: amount - done)
            return SQLITE_IOERR | (2 << 8)  // SQLITE_IOERR_SHORT_READ
        }
        return SQLITE_OK
    }

    private static func writeError(_ code: Int32) -> Int32 {
        code == ENOSPC || code == EDQUOT ? SQLITE_FULL : SQLITE_IOERR | (3 << 8)  // SQLITE_IOERR_WRITE
    }
}
