import Dispatch

/// `async` variants of the blocking blob-store calls. Each runs the synchronous call on
/// `BlobStore.ioQueue`, so an `await` suspends the task instead of blocking a thread of Swift's
/// cooperative pool. In an `async` context the compiler picks these overloads, so blocking calls
/// cannot be made there by accident.
extension BlobStore {
    /// The concurrent queue the `async` variants run their file I/O on.
    public static let ioQueue = DispatchQueue(
        label: "stack.blobstore.io", qos: .userInitiated, attributes: .concurrent)

    /// Runs `body` on `ioQueue` and returns its result to the awaiting task.
    static func offload<T: Sendable>(
        _ body: @escaping @Sendable () throws(BlobStoreError) -> T
    ) async throws(BlobStoreError) -> T {
        let result: Result<T, BlobStoreError> = await withCheckedContinuation { continuation in
            ioQueue.async {
                do throws(BlobStoreError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Opens the blob folders of `dataDirectory` off the cooperative pool.
    public static func open(dataDirectory: String) async throws(BlobStoreError) -> BlobStore {
        try await offload { () throws(BlobStoreError) in try BlobStore(dataDirectory: dataDirectory) }
    }

    /// `makeWriter(maxSize:)`, off the cooperative pool.
    public func makeWriter(maxSize: Int64? = nil) async throws(BlobStoreError) -> BlobWriter {
        try await Self.offload { () throws(BlobStoreError) in try self.makeWriter(maxSize: maxSize) }
    }

    /// `exists(_:)`, off the cooperative pool.
    public func exists(_ sha256: String) async -> Bool {
        (try? await Self.offload { self.exists(sha256) }) ?? false
    }

    /// `size(of:)`, off the cooperative pool.
    public func size(of sha256: String) async throws(BlobStoreError) -> Int64 {
        try await Self.offload { () throws(BlobStoreError) in try self.size(of: sha256) }
    }

    /// `open(_:range:)`, off the cooperative pool.
    public func open(_ sha256: String, range: Range<Int64>? = nil) async throws(BlobStoreError) -> OpenBlob {
        try await Self.offload { () throws(BlobStoreError) in try self.open(sha256, range: range) }
    }

    /// `read(_:range:)`, off the cooperative pool.
    public func read(_ sha256: String, range: Range<Int64>? = nil) async throws(BlobStoreError) -> [UInt8] {
        try await Self.offload { () throws(BlobStoreError) in try self.read(sha256, range: range) }
    }

    /// `computeDigest(of:)`, off the cooperative pool.
    public func computeDigest(of sha256: String) async throws(BlobStoreError) -> String {
        try await Self.offload { () throws(BlobStoreError) in try self.computeDigest(of: sha256) }
    }

    /// `remove(_:)`, off the cooperative pool.
    @discardableResult
    public func remove(_ sha256: String) async throws(BlobStoreError) -> Bool {
        try await Self.offload { () throws(BlobStoreError) in try self.remove(sha256) }
    }

    /// `listAllBlobs()`, off the cooperative pool.
    public func listAllBlobs() async throws(BlobStoreError) -> [String] {
        try await Self.offload { () throws(BlobStoreError) in try self.listAllBlobs() }
    }

    /// `checkWritable()`, off the cooperative pool.
    public func checkWritable() async throws(BlobStoreError) {
        try await Self.offload { () throws(BlobStoreError) in try self.checkWritable() }
    }

    /// `removeTemporaryFiles()`, off the cooperative pool.
    @discardableResult
    public func removeTemporaryFiles() async throws(BlobStoreError) -> Int {
        try await Self.offload { () throws(BlobStoreError) in try self.removeTemporaryFiles() }
    }
}

extension BlobWriter {
    /// `write(_:)`, off the cooperative pool.
    public func write<Bytes: Collection & Sendable>(_ bytes: Bytes) async throws(BlobStoreError)
    where Bytes.Element == UInt8 {
        try await BlobStore.offload { () throws(BlobStoreError) in try self.write(bytes) }
    }

    /// `finish()` (fsync, rename, directory fsync), off the cooperative pool.
    @discardableResult
    public func finish(beforePlacing: @escaping @Sendable (String) -> Void = { _ in }) async throws(BlobStoreError) -> BlobInfo {
        try await BlobStore.offload { () throws(BlobStoreError) in try self.finish(beforePlacing: beforePlacing) }
    }

    /// `abort()`, off the cooperative pool.
    public func abort() async {
        _ = try? await BlobStore.offload { self.abort() }
    }
}
