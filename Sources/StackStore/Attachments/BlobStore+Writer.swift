
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blob that has been stored: its digest and size.
public struct BlobInfo: Sendable, Hashable {
    /// SHA-256 of the bytes, 64 lowercase hex characters; also the blob's name.
    public let sha256: String
    /// Size in bytes.
    public let size: Int64
    /// `false` when equal bytes were already stored and this upload was dropped in their favour.
    public let isNew: Bool

    public init(sha256: String, size: Int64, isNew: Bool) {
        self.sha256 = sha256
        self.size = size
        self.isNew = isNew
    }
}

/// Streams one blob to disk: appends to a temporary file in `<data>/tmp` while hashing, then
/// `finish()` moves it under its digest (SPEC §3 Attachments: "streamed to disk and hashed on the
/// way, never held whole in memory").
///
/// Made by `BlobStore.makeWriter(maxSize:)`. Calls are serialised internally, so the writer may be
/// passed between threads, but it is meant for one upload driven by one caller. All methods block
/// (file I/O, fsync): see `BlobStore` for where to call them. A writer released without `finish()`
/// aborts (removes its temporary file).
public final class BlobWriter: Sendable {
    private struct State: Sendable {
        var fd: Int32?
        var hasher = SHA256()
        var size: Int64 = 0
    }

    private let store: BlobStore
    private let maxSize: Int64?
    /// File name of the temporary file in `store.temporaryDirectory`.
    private let temporaryName: String
    private let temporaryPath: String
    private let state: Locked<State>

    init(store: BlobStore, maxSize: Int64?) throws(BlobStoreError) {
        self.store = store
        self.maxSize = maxSize
        let name = "upload-" + SHA256.hex(SecureRandom.bytes(12)) + ".tmp"
        let path = store.temporaryDirectory + "/" + name
        temporaryName = name
        temporaryPath = path
        // Register before creating, so `removeTemporaryFiles` never deletes a live upload.
        _ = store.activeTemporaryFiles.withLock { $0.insert(name) }
        let fd: Int32
        do {
            fd = try BlobFileIO.open(path, O_WRONLY | O_CREAT | O_EXCL)
        } catch {
            _ = store.activeTemporaryFiles.withLock { $0.remove(name) }
            throw error
        }
        state = Locked(State(fd: fd))
    }

    deinit {
        abort()
    }

    /// Bytes written so far.
    public var bytesWritten: Int64 {
        state.withLock { $0.size }
    }

    /// Appends `bytes` to the blob.
    ///
    /// - Throws: `tooLarge(limit:)` when the blob would exceed `maxSize` (nothing of this call is
    ///   written, and the writer aborts); `io` on a write failure (the writer aborts);
    ///   `closed` after `finish` or `abort`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(BlobStoreError) {
        do {
            try state.withLock { (state: inout State) throws(BlobStoreError) in
                guard let fd = state.fd else { throw .closed }
                let newSize = state.size + Int64(bytes.count)
                if let maxSize, newSize > maxSize { throw .tooLarge(limit: maxSize) }
                try BlobFileIO.writeAll(fd, bytes, path: temporaryPath)
                state.hasher.update(bytes)
                state.size = newSize
            }
        } catch .closed {
            throw .closed
        } catch {
            abort()
            throw error
        }
    }

    /// Appends `bytes` (an `Array`, `ArraySlice`, `Data`, … with contiguous storage) to the blob.
    public func write<Bytes: Collection>(_ bytes: Bytes) throws(BlobStoreError) where Bytes.Element == UInt8 {
        let result: Result<Void, BlobStoreError>? = bytes.withContiguousStorageIfAvailable { buffer in
            do throws(BlobStoreError) {
                try write(UnsafeRawBufferPointer(buffer))
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        let fallback = copy.withUnsafeBytes { buffer -> Result<Void, BlobStoreError> in
            do throws(BlobStoreError) {
                try write(buffer)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try fallback.get()
    }

    /// Completes the blob: fsyncs the temporary file, renames it to `<data>/blobs/ab/cdef…` (or, if
    /// a blob with that digest already exists, deletes the temporary file and keeps the existing
    /// one), and fsyncs the directory so the name is durable before this returns.
    ///
    /// - Parameter beforePlacing: called with the digest before the blob is placed (renamed, or an
    ///   identical one kept): where the store pins it against a concurrent deletion (``BlobPins``).
    /// - Throws: `closed` if already finished or aborted; `io` (the writer aborts).
    @discardableResult
    public func finish(beforePlacing: (String) -> Void = { _ in }) throws(BlobStoreError) -> BlobInfo {
        let (fd, hasher, size) = try state.withLock {
            (state: inout State) throws(BlobStoreError) -> (Int32, SHA256, Int64) in
            guard let fd = state.fd else { throw .closed }
            state.fd = nil  // from here on the writer is closed, whatever happens
            return (fd, state.hasher, state.size)
        }
        defer { _ = store.activeTemporaryFiles.withLock { $0.remove(temporaryName) } }
        do {
            try BlobFileIO.fsync(fd, path: temporaryPath)
            BlobFileIO.close(fd)
        } catch {
            BlobFileIO.close(fd)
            _ = try? BlobFileIO.unlink(temporaryPath)
            throw error
        }
        let digest = hasher.finalizeHex()
        beforePlacing(digest)
        do {
            let finalPath = try store.path(for: digest)
            let directory = store.fanOutDirectory(for: digest)
            if try BlobFileIO.makeDirectory(directory) {
                // A new fan-out directory: make its entry in blobs/ durable too.
                try BlobFileIO.fsyncDirectory(store.blobsDirectory)
            }
            if let existing = try BlobFileIO.status(finalPath), BlobFileIO.isRegularFile(existing) {
                // Same digest, same bytes: keep the blob already in place (content addressing).
                try BlobFileIO.unlink(temporaryPath)
                return BlobInfo(sha256: digest, size: size, isNew: false)
            }
            // rename(2) is atomic: the final name shows either nothing or the complete, synced file.
            try BlobFileIO.rename(temporaryPath, finalPath)
            try BlobFileIO.fsyncDirectory(directory)
            return BlobInfo(sha256: digest, size: size, isNew: true)
        } catch {
            _ = try? BlobFileIO.unlink(temporaryPath)
            throw error
        }
    }

    /// Runs `body` with the open temporary file's descriptor.
    func withDescriptor(_ body: (Int32) throws(BlobStoreError) -> Void) throws(BlobStoreError) {
        try state.withLock { (state: inout State) throws(BlobStoreError) in
            guard let fd = state.fd else { throw .closed }
            try body(fd)
        }
    }

    /// Abandons the blob: closes and removes the temporary file. Idempotent; does nothing after
    /// `finish()`.
    public func abort() {
        let fd = state.withLock { state in
            defer { state.fd = nil }
            return state.fd
        }
        guard let fd else { return }
        BlobFileIO.close(fd)
        _ = try? BlobFileIO.unlink(temporaryPath)
        _ = store.activeTemporaryFiles.withLock { $0.remove(temporaryName) }
    }
}
