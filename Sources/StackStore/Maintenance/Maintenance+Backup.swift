import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `backup` copied.
public struct BackupSummary: Sendable, Equatable {
    /// Attachments (fileIds) in the copied database.
    public var attachments: Int
    /// Distinct blobs copied.
    public var blobs: Int
    /// Bytes of those blobs.
    public var blobBytes: Int64
}

extension Maintenance {
    /// Copies the stack in `dataDirectory` to `destination` consistently, even while a server
    /// writes to it (SPEC §7 `backup`).
    ///
    /// The database is copied with `VACUUM INTO`, which reads one snapshot; then every blob a
    /// fileId of that snapshot refers to is hard-linked into the copy (blobs are immutable and
    /// named by their digest), or copied when a link is impossible (another file system). Blobs
    /// written after the snapshot are not needed and not copied. The result opens as a stack.
    ///
    /// - Parameter destination: must not exist, or be an empty directory.
    /// - Throws: ``MaintenanceError/destinationNotEmpty(_:)``, ``MaintenanceError/noStack(_:)``,
    ///   ``MaintenanceError/missingBlob(_:)`` when a blob vanished (deleted while copying: run again).
    public static func backup(dataDirectory: String, to destination: String) async throws -> BackupSummary {
        try await Blocking.run { try backupBlocking(dataDirectory: dataDirectory, to: destination) }
    }

    static func backupBlocking(dataDirectory: String, to destination: String) throws -> BackupSummary {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        let existed = files.fileExists(atPath: destination, isDirectory: &isDirectory)
        if existed {
            guard isDirectory.boolValue, (try files.contentsOfDirectory(atPath: destination)).isEmpty else {
                throw MaintenanceError.destinationNotEmpty(destination)
            }
        } else {
            try files.createDirectory(atPath: destination, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        do {
            return try copyStack(dataDirectory: dataDirectory, to: destination)
        } catch {
            // Leave no half backup behind: DEST as it was (absent, or empty).
            if existed {
                for name in (try? files.contentsOfDirectory(atPath: destination)) ?? [] {
                    try? files.removeItem(atPath: (destination as NSString).appendingPathComponent(name))
                }
            } else {
                try? files.removeItem(atPath: destination)
            }
            throw error
        }
    }

    private static func copyStack(dataDirectory: String, to destination: String) throws -> BackupSummary {
        let files = FileManager.default
        let source = try openExisting(dataDirectory)
        guard try ownerEntityId(source) != nil else { throw MaintenanceError.noStack(dataDirectory) }
        let copyPath = databasePath(destination)
        // One read transaction of the source: writers go on, the copy is one snapshot.
        try source.execute("VACUUM INTO ?", [copyPath])
        try syncFile(copyPath)
        let copy = try Database(path: copyPath, mode: .readWrite)
        let rows = try copy.fetchAll("SELECT sha256, size FROM attachments") { ($0.text(0), $0.int64(1)) }
        var sizes: [String: Int64] = [:]
        for (sha, size) in rows { sizes[sha] = size }
        let sourceBlobs = try BlobStore(dataDirectory: dataDirectory)
        let targetBlobs = try BlobStore(dataDirectory: destination)
        for sha in sizes.keys.sorted() {
            let from = try sourceBlobs.path(for: sha)
            let to = try targetBlobs.path(for: sha)
            try BlobFileIO.makeDirectory(targetBlobs.fanOutDirectory(for: sha))
            guard files.fileExists(atPath: from) else { throw MaintenanceError.missingBlob(sha) }
            if link(from, to) != 0 {
                do {
                    try files.copyItem(atPath: from, toPath: to)
                    try syncFile(to)
                } catch {
                    throw MaintenanceError.io("cannot copy blob \(sha): \(error)")
                }
            }
        }
        // Make the new names durable, not only the bytes.
        for prefix in Set(sizes.keys.map { String($0.prefix(2)) }) {
            try BlobFileIO.fsyncDirectory(targetBlobs.blobsDirectory + "/" + prefix)
        }
        try BlobFileIO.fsyncDirectory(targetBlobs.blobsDirectory)
        try BlobFileIO.fsyncDirectory(destination)
        return BackupSummary(attachments: rows.count, blobs: sizes.count, blobBytes: sizes.values.reduce(0, +))
    }

    /// Flushes a file's bytes to stable storage.
    static func syncFile(_ path: String) throws {
        let fd = try BlobFileIO.open(path, O_RDONLY)
        defer { BlobFileIO.close(fd) }
        try BlobFileIO.fsync(fd, path: path)
    }
}
