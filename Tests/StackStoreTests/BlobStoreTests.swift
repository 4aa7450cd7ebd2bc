import Foundation
import StackTesting
import Testing

@testable import StackStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh data directory per test, removed afterwards.
private final class DataDirectory {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("blobstore-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func files(in relative: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path + "/" + relative)) ?? []).sorted()
    }
}

private func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
}

@Suite("BlobStore")
struct BlobStoreTests {
    @Test func init_createsLayout() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path + "/nested/data/")
        #expect(FileManager.default.fileExists(atPath: data.path + "/nested/data/blobs"))
        #expect(FileManager.default.fileExists(atPath: data.path + "/nested/data/tmp"))
        #expect(store.blobsDirectory == data.path + "/nested/data/blobs")
        // Opening again over an existing layout is fine.
        _ = try BlobStore(dataDirectory: data.path + "/nested/data")
    }

    @Test func write_inChunks_storesContentAddressedBlob() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)
        let bytes = randomBytes(300_001, seed: 1)
        let writer = try store.makeWriter()
        var offset = 0
        for chunk in [1, 63, 64, 65, 4096, 100_000] {
            try writer.write(bytes[offset..<offset + chunk])
            offset += chunk
        }
        try writer.write(bytes[offset...])
        #expect(writer.bytesWritten == 300_001)
        let blob = try writer.finish()

        let expected = SHA256.hexDigest(of: bytes)
        #expect(blob == BlobInfo(sha256: expected, size: 300_001, isNew: true))
        let path = data.path + "/blobs/" + expected.prefix(2) + "/" + expected.dropFirst(2)
        #expect(try store.path(for: expected) == path)
        #expect(FileManager.default.contents(atPath: path) == Data(bytes))
        #expect(store.exists(expected))
        #expect(try store.size(of: expected) == 300_001)
        #expect(try store.read(expected) == bytes)
        #expect(try store.listAllBlobs() == [expected])
        #expect(data.files(in: "tmp").isEmpty)
        // A finished writer accepts nothing more.
        #expect(throws: BlobStoreError.closed) { try writer.write([1]) }
        #expect(throws: BlobStoreError.closed) { try writer.finish() }
    }

    @Test func emptyBlob_hasTheDigestOfNothing() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)
        let blob = try store.makeWriter().finish()
        #expect(blob.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(blob.size == 0)
        #expect(try store.read(blob.sha256) == [])
    }

    @Test func sameBytesTwice_keepsOneBlob() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)
        let bytes = Array("hello, blobs".utf8)
        let first = try store.makeWriter()
        try first.write(bytes)
        let a = try first.finish()
        let path = try store.path(for: a.sha256)
        let inode = try #require(FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int)

        let second = try store.makeWriter()
        try second.write(bytes)
        let b = try second.finish()
        #expect(a.sha256 == b.sha256 && a.size == b.size)
        #expect(a.isNew && !b.isNew)
        #expect(try store.listAllBlobs() == [a.sha256])
        #expect(data.files(in: "tmp").isEmpty)
        // The existing file was kept, not replaced.
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int == inode)
    }

    @Test func concurrentWritersOfEqualBytes_allSucceed_oneBlob() async throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)
        let bytes = randomBytes(50_000, seed: 7)
        let results = try await withThrowingTaskGroup(of: BlobInfo.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let writer = try await store.makeWriter()
                    try await writer.write(bytes)
                    return try await writer.finish()
                }
            }
            return try await group.reduce(into: [BlobInfo]()) { $0.append($1) }
        }
        #expect(Set(results.map(\.sha256)) == [SHA256.hexDigest(of: bytes)])
        #expect(try await store.listAllBlobs().count == 1)
        #expect(try await store.read(results[0].sha256) == bytes)
        #expect(data.files(in: "tmp").isEmpty)
    }

    @Test func abort_leavesNothing() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)
        let writer = try store.makeWriter()
        try writer.write(randomBytes(10_000, seed: 2))
        #expect(data.files(in: "tmp").count == 1)
        writer.abort()
        writer.abort()  // idempotent
        #expect(data.files(in: "tmp").isEmpty)
        #expect(try store.listAllBlobs().isEmpty)
        #expect(throws: BlobStoreError.closed) { try writer.write([1, 2, 3]) }
        #expect(throws: BlobStoreError.closed) { try writer.finish() }
    }

    @Test func releasedWriter_removesItsTemporaryFile() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)
        do {
            let writer = try store.makeWriter()
            try writer.write([1, 2, 3])
            #expect(data.files(in: "tmp").count == 1)
        }
        #expect(data.files(in: "tmp").isEmpty)
        #expect(try store.listAllBlobs().isEmpty)
    }

    @Test func sizeLimit_rejectsTheWriteThatCrossesIt_andAborts() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)

        let exact = try store.makeWriter(maxSize: 10)
        try exact.write([UInt8](repeating: 1, count: 4))
        try exact.write([UInt8](repeating: 1, count: 6))
        #expect(try exact.finish().size == 10)  // exactly the limit is allowed

        let over = try store.makeWriter(maxSize: 10)
        try over.write([UInt8](repeating: 2, count: 6))
        #expect(throws: BlobStoreError.tooLarge(limit: 10)) { try over.write([UInt8](repeating: 2, count: 5)) }
        #expect(over.bytesWritten == 6)
        #expect(data.files(in: "tmp").isEmpty)
        #expect(throws: BlobStoreError.closed) { try over.write([2]) }
        #expect(try store.listAllBlobs().count == 1)

        let zero = try store.makeWriter(maxSize: 0)
        #expect(throws: BlobStoreError.tooLarge(limit: 0)) { try zero.write([0]) }
    }

    @Test func open_givesDescriptorAndRange_withoutLoading() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)
        let bytes = randomBytes(1_000_000, seed: 3)
        let writer = try store.makeWriter()
        try writer.write(bytes)
        let sha = try writer.finish().sha256

        let file = try store.open(sha, range: 999_990..<1_000_000)
        #expect(file.offset == 999_990 && file.length == 10 && file.blobSize == 1_000_000)
        let fd = try #require(file.descriptor)
        var buffer = [UInt8](repeating: 0, count: 10)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 10, off_t(file.offset)) }
        #expect(n == 10)
        #expect(buffer == Array(bytes[999_990...]))
        #expect(try file.readAll() == Array(bytes[999_990...]))

        #expect(try store.read(sha, range: 0..<1) == [bytes[0]])
        #expect(try store.read(sha, range: 500..<500) == [])
        #expect(try store.open(sha).length == 1_000_000)

        #expect(throws: BlobStoreError.invalidRange(size: 1_000_000)) { try store.open(sha, range: 0..<1_000_001) }
        #expect(throws: BlobStoreError.invalidRange(size: 1_000_000)) { try store.open(sha, range: -1..<5) }
    }

    @Test func openBlob_ownsItsDescriptor() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)
        let writer = try store.makeWriter()
        try writer.write([9, 8, 7])
        let sha = try writer.finish().sha256

        let file = try store.open(sha)
        let fd = try #require(file.takeDescriptor())
        #expect(file.descriptor == nil && file.takeDescriptor() == nil)
        file.close()  // does not close a descriptor it gave away
        #expect(fcntl(fd, F_GETFD) != -1)
        close(fd)

        let other = try store.open(sha)
        #expect(other.descriptor != nil)
        other.close()
        other.close()  // idempotent
        #expect(other.descriptor == nil)
        #expect(throws: BlobStoreError.closed) { try other.readAll() }
    }

    @Test func missingOrMalformedDigests_areErrors() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)
        let absent = SHA256.hexDigest(of: "never stored")
        #expect(!store.exists(absent))
        #expect(throws: BlobStoreError.notFound(sha256: absent)) { try store.size(of: absent) }
        #expect(throws: BlobStoreError.notFound(sha256: absent)) { try store.open(absent) }
        #expect(try store.remove(absent) == false)

        for bad in ["", "../../etc/passwd", String(repeating: "A", count: 64), String(repeating: "a", count: 63),
                    "../" + String(repeating: "a", count: 61)] {
            #expect(!store.exists(bad))
            #expect(throws: BlobStoreError.invalidDigest(bad)) { try store.path(for: bad) }
            #expect(throws: BlobStoreError.invalidDigest(bad)) { try store.open(bad) }
            #expect(throws: BlobStoreError.invalidDigest(bad)) { try store.remove(bad) }
        }
    }

    @Test func remove_deletesTheBlob() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)
        let shas = try (0..<3).map { i in
            let writer = try store.makeWriter()
            try writer.write([UInt8(i)])
            return try writer.finish().sha256
        }
        #expect(try store.listAllBlobs() == shas.sorted())
        #expect(try store.remove(shas[1]))
        #expect(!store.exists(shas[1]))
        #expect(throws: BlobStoreError.notFound(sha256: shas[1])) { try store.read(shas[1]) }
        #expect(try store.listAllBlobs() == [shas[0], shas[2]].sorted())
    }

    @Test func listAllBlobs_ignoresStrayFiles() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)
        let writer = try store.makeWriter()
        try writer.write([42])
        let sha = try writer.finish().sha256
        let fm = FileManager.default
        _ = fm.createFile(atPath: data.path + "/blobs/README", contents: Data("x".utf8))
        _ = fm.createFile(atPath: data.path + "/blobs/" + sha.prefix(2) + "/short", contents: Data("x".utf8))
        try fm.createDirectory(atPath: data.path + "/blobs/zz", withIntermediateDirectories: true)
        try fm.createDirectory(
            atPath: data.path + "/blobs/00/" + String(repeating: "0", count: 62), withIntermediateDirectories: true)
        #expect(try store.listAllBlobs() == [sha])
    }

    @Test func removeTemporaryFiles_removesCrashLeftovers_butNotLiveUploads() throws {
        let data = try DataDirectory()
        // A previous run crashed mid-upload: a partial temporary file is left behind.
        do {
            let crashed = try BlobStore(dataDirectory: data.path)
            let kept = try crashed.makeWriter()
            try kept.write([1, 2, 3])
            let done = try kept.finish()
            #expect(done.isNew)
        }
        let partial = randomBytes(5000, seed: 4)
        _ = FileManager.default.createFile(
            atPath: data.path + "/tmp/upload-0123456789abcdef01234567.tmp", contents: Data(partial))
        _ = FileManager.default.createFile(atPath: data.path + "/tmp/other-leftover", contents: Data())

        // The next start.
        let store = try BlobStore(dataDirectory: data.path)
        let live = try store.makeWriter()
        try live.write([7, 7, 7])
        #expect(data.files(in: "tmp").count == 3)
        #expect(try store.removeTemporaryFiles() == 2)
        #expect(data.files(in: "tmp").count == 1)  // the live upload's file
        // The partial upload never became a blob; the finished one is intact; the live one completes.
        #expect(!store.exists(SHA256.hexDigest(of: partial)))
        #expect(try store.read(SHA256.hexDigest(of: [1, 2, 3])) == [1, 2, 3])
        try live.write([7])
        #expect(try live.finish().sha256 == SHA256.hexDigest(of: [7, 7, 7, 7]))
        #expect(try store.removeTemporaryFiles() == 0)
        #expect(data.files(in: "tmp").isEmpty)
    }

    @Test func computeDigest_detectsCorruption() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)
        let bytes = randomBytes(700_000, seed: 5)
        let writer = try store.makeWriter()
        try writer.write(bytes)
        let sha = try writer.finish().sha256
        #expect(try store.computeDigest(of: sha) == sha)

        var corrupted = bytes
        corrupted[123_456] ^= 1
        let path = try store.path(for: sha)
        chmod(path, 0o600)
        try Data(corrupted).write(to: URL(fileURLWithPath: path))
        #expect(try store.computeDigest(of: sha) != sha)
    }

    @Test func asyncVariants_matchSyncOnes() async throws {
        let data = try DataDirectory()
        let store = try await BlobStore.open(dataDirectory: data.path)
        let writer = try await store.makeWriter(maxSize: 100)
        try await writer.write(Array("async ".utf8))
        try await writer.write(Array("bytes".utf8)[...])
        let blob = try await writer.finish()
        #expect(blob.sha256 == SHA256.hexDigest(of: "async bytes"))
        #expect(await store.exists(blob.sha256))
        #expect(try await store.size(of: blob.sha256) == 11)
        #expect(try await store.read(blob.sha256, range: 6..<11) == Array("bytes".utf8))
        #expect(try await store.open(blob.sha256).length == 11)
        #expect(try await store.computeDigest(of: blob.sha256) == blob.sha256)
        #expect(try await store.listAllBlobs() == [blob.sha256])

        let big = try await store.makeWriter(maxSize: 3)
        await #expect(throws: BlobStoreError.tooLarge(limit: 3)) { try await big.write([1, 2, 3, 4]) }
        let aborted = try await store.makeWriter()
        try await aborted.write([5])
        await aborted.abort()
        #expect(try await store.removeTemporaryFiles() == 0)
        try await store.checkWritable()
        #expect(try await store.remove(blob.sha256))
        #expect(try await store.listAllBlobs().isEmpty)
    }

    @Test func checkWritable_passesOnAWritableFolder_andFailsOtherwise() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)
        try store.checkWritable()
        #expect(data.files(in: "tmp").isEmpty)
        #expect(try store.listAllBlobs().isEmpty)

        // The temporary folder replaced by a file (fails for root too, unlike permission bits).
        try FileManager.default.removeItem(atPath: store.temporaryDirectory)
        _ = FileManager.default.createFile(atPath: store.temporaryDirectory, contents: Data())
        #expect(throws: BlobStoreError.self) { try store.checkWritable() }
    }

    @Test func files_arePrivateToTheUser() throws {
        let data = try DataDirectory()
        let store = try BlobStore(dataDirectory: data.path)
        let writer = try store.makeWriter()
        try writer.write([1])
        let sha = try writer.finish().sha256
        let attributes = try FileManager.default.attributesOfItem(atPath: try store.path(for: sha))
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0)
    }
}
