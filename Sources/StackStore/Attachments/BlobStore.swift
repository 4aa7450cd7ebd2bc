import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Content-addressed storage of attachment bytes in the data directory (SPEC §3 Attachments,
/// issue 4 item 7). No database: it knows files and digests, not fileIds.
///
/// Layout:
/// ```
/// <data>/blobs/ab/cdef…   a blob, named by its SHA-256 hex digest split after two characters
/// <data>/tmp/             uploads in progress (`upload-<random>.tmp`)
/// ```
/// A blob is written to `tmp/` while it is hashed, fsynced, then renamed under its digest and the
/// directory fsynced, so a crash never leaves a partial blob under a final name (SPEC §3). Equal
/// bytes are stored once. Files are created `0600` and directories `0700`: the data is personal.
///
/// **Blocking.** Every synchronous method does file I/O (and `BlobWriter.finish` fsyncs): never call
/// them on Swift's cooperative thread pool. Either call them from a thread or queue of your own, or
/// use the `async` variants (`BlobStore+Async.swift`), which run them on `BlobStore.ioQueue`.
///
/// ```swift
/// let blobs = try BlobStore(dataDirectory: "/srv/stack")
/// let writer = try blobs.makeWriter(maxSize: 100 << 20)
/// try writer.write(chunk)                 // repeatedly, as the body arrives
/// let blob = try writer.finish()          // blob.sha256, blob.size
/// let file = try blobs.open(blob.sha256, range: 0..<10)   // file.descriptor, offset, length
/// ```
public final class BlobStore: Sendable {
    /// The data directory this store lives in.
    public let dataDirectory: String
    /// `<data>/blobs`.
    public let blobsDirectory: String
    /// `<data>/tmp`.
    public let temporaryDirectory: String

    /// Names (in `tmp/`) of the temporary files of writers still open in this process, which
    /// `removeTemporaryFiles()` leaves alone.
    let activeTemporaryFiles = Locked<Set<String>>([])

    /// Opens the blob folders of `dataDirectory`, creating them (and the data directory with its
    /// parents) when missing.
    ///
    /// - Throws: `BlobStoreError.io` if a folder cannot be created.
    public init(dataDirectory: String) throws(BlobStoreError) {
        let root = dataDirectory.hasSuffix("/") && dataDirectory.count > 1
            ? String(dataDirectory.dropLast()) : dataDirectory
        self.dataDirectory = root
        self.blobsDirectory = root + "/blobs"
        self.temporaryDirectory = root + "/tmp"
        try BlobFileIO.makeDirectories(root)
        if try BlobFileIO.makeDirectory(blobsDirectory) { try BlobFileIO.fsyncDirectory(root) }
        try BlobFileIO.makeDirectory(temporaryDirectory)
    }

    // MARK: - Writing

    /// Starts writing a new blob: creates a temporary file in `tmp/`.
    ///
    /// - Parameter maxSize: when given, a `write` that would take the blob past this many bytes
    ///   throws `BlobStoreError.tooLarge` and aborts the writer.
    public func makeWriter(maxSize: Int64? = nil) throws(BlobStoreError) -> BlobWriter {
        try BlobWriter(store: self, maxSize: maxSize)
    }

    // MARK: - Reading

    /// The path of the blob with digest `sha256` (whether or not it exists): `<data>/blobs/ab/cdef…`.
    ///
    /// - Throws: `BlobStoreError.invalidDigest` unless `sha256` is 64 lowercase hex characters
    ///   (which also keeps any `/` or `..` out of the path).
    public func path(for sha256: String) throws(BlobStoreError) -> String {
        guard SHA256.isHexDigest(sha256) else { throw .invalidDigest(sha256) }
        return blobsDirectory + "/" + sha256.prefix(2) + "/" + sha256.dropFirst(2)
    }

    /// The fan-out directory of a digest: `<data>/blobs/ab`.
    func fanOutDirectory(for sha256: String) -> String {
        blobsDirectory + "/" + sha256.prefix(2)
    }

    /// Whether a blob with this digest is stored (`false` for text that is not a digest).
    public func exists(_ sha256: String) -> Bool {
        guard let path = try? path(for: sha256), let info = try? BlobFileIO.status(path) else { return false }
        return BlobFileIO.isRegularFile(info)
    }

    /// The size in bytes of the blob with this digest.
    ///
    /// - Throws: `invalidDigest`, `notFound`, or `io`.
    public func size(of sha256: String) throws(BlobStoreError) -> Int64 {
        let path = try path(for: sha256)
        guard let info = try BlobFileIO.status(path), BlobFileIO.isRegularFile(info) else {
            throw .notFound(sha256: sha256)
        }
        return Int64(info.st_size)
    }

    /// Opens the blob for reading the bytes in `range` (all of it when `nil`) without loading it, for
    /// `sendfile(2)` or `pread(2)`.
    ///
    /// The returned `OpenBlob` owns the descriptor and closes it when released; the HTTP layer may
    /// take it over with `OpenBlob.takeDescriptor()`. Resolving HTTP `Range` headers (suffix ranges,
    /// clamping) is the caller's job: this checks only that `range` lies within the blob.
    ///
    /// - Throws: `invalidDigest`, `notFound`, `invalidRange(size:)` (HTTP 416), or `io`.
    public func open(_ sha256: String, range: Range<Int64>? = nil) throws(BlobStoreError) -> OpenBlob {
        let path = try path(for: sha256)
        let fd: Int32
        do {
            fd = try BlobFileIO.open(path, O_RDONLY)
        } catch .io(_, _, let code) where code == ENOENT {
            throw .notFound(sha256: sha256)
        }
        do throws(BlobStoreError) {
            let size = Int64(try BlobFileIO.status(of: fd, path: path).st_size)
            let range = range ?? 0..<size
            guard range.lowerBound >= 0, range.upperBound <= size else { throw BlobStoreError.invalidRange(size: size) }
            return OpenBlob(
                descriptor: fd, offset: range.lowerBound, length: range.upperBound - range.lowerBound,
                blobSize: size, path: path)
        } catch {
            BlobFileIO.close(fd)
            throw error
        }
    }

    /// The bytes of the blob in `range` (all of it when `nil`), read into memory.
    ///
    /// For small blobs, tests and tools; serve large ones with `open(_:range:)`.
    public func read(_ sha256: String, range: Range<Int64>? = nil) throws(BlobStoreError) -> [UInt8] {
        let file = try open(sha256, range: range)
        return try file.readAll()
    }

    /// Hashes the stored bytes of a blob again and returns the digest they really have (for
    /// `stack check`: a mismatch with `sha256` means the file is corrupt).
    public func computeDigest(of sha256: String) throws(BlobStoreError) -> String {
        let file = try open(sha256)
        var hasher = SHA256()
        try file.forEachChunk { hasher.update($0) }
        return hasher.finalizeHex()
    }

    // MARK: - Maintenance

    /// Deletes the blob with this digest; returns `false` if there was none.
    ///
    /// The caller decides when no fileId refers to it any more (SPEC §3 DELETE /attachments), and
    /// must keep that decision from racing an upload of the same bytes: such an upload's `finish()`
    /// may already have found this blob in place (`isNew == false`) and dropped its own copy. Decide
    /// and remove on the database's writer (no other write in between), and have the upload's
    /// insert check `exists(_:)` inside its write transaction. The unlink is not fsynced: after a
    /// power loss a removed blob may reappear, unreferenced, and the startup sweep removes it again.
    @discardableResult
    public func remove(_ sha256: String) throws(BlobStoreError) -> Bool {
        try BlobFileIO.unlink(try path(for: sha256))
    }

    /// Checks that new blobs can be written: creates, writes, fsyncs and removes a probe file in
    /// `tmp/` (SPEC §3 `/health`: "the blob folder is writable").
    ///
    /// - Throws: `BlobStoreError.io` naming the failed step.
    public func checkWritable() throws(BlobStoreError) {
        let writer = try makeWriter()
        defer { writer.abort() }
        try writer.write(CollectionOfOne(UInt8(0)))
        try writer.withDescriptor { (fd) throws(BlobStoreError) in
            try BlobFileIO.fsync(fd, path: temporaryDirectory)
        }
    }

    /// The digests of every stored blob, sorted. Files in `blobs/` that do not have the shape of a
    /// blob (a stray name, a directory) are ignored.
    public func listAllBlobs() throws(BlobStoreError) -> [String] {
        var digests: [String] = []
        for prefix in try BlobFileIO.entries(of: blobsDirectory) {
            guard prefix.utf8.count == 2, SHA256.isHexDigest(prefix + String(repeating: "0", count: 62)) else {
                continue
            }
            let directory = blobsDirectory + "/" + prefix
            guard BlobFileIO.isDirectory(directory) else { continue }
            for rest in try BlobFileIO.entries(of: directory) {
                let digest = prefix + rest
                guard SHA256.isHexDigest(digest),
                    let info = try BlobFileIO.status(directory + "/" + rest),
                    BlobFileIO.isRegularFile(info)
                else { continue }
                digests.append(digest)
            }
        }
        return digests.sorted()
    }

    /// Removes every file in `tmp/` except those of writers still open in this store: the leftovers
    /// of uploads interrupted by a crash (SPEC §3: startup removes leftover temporary files). Call at
    /// startup; safe at any time against this store's own writers, but not against another process
    /// writing into the same data directory.
    ///
    /// - Returns: how many files were removed.
    @discardableResult
    public func removeTemporaryFiles() throws(BlobStoreError) -> Int {
        var removed = 0
        for name in try BlobFileIO.entries(of: temporaryDirectory) {
            // A writer registers its name before it creates the file and unregisters it after the file
            // is gone, so a listed file whose name is not registered now belongs to no live writer.
            if activeTemporaryFiles.withLock({ $0.contains(name) }) { continue }
            let path = temporaryDirectory + "/" + name
            guard let info = try BlobFileIO.status(path), BlobFileIO.isRegularFile(info) else { continue }
            if try BlobFileIO.unlink(path) { removed += 1 }
        }
        return removed
    }
}
