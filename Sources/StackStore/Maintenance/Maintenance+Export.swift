import Foundation
import StackJSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many objects of each kind an export or import held.
public struct TransferSummary: Sendable, Equatable {
    public var types = 0
    public var blobs = 0
    public var attachments = 0
    public var records = 0
    public var versions = 0
    public var associations = 0
    public var tokens = 0

    var json: JSON {
        [
            "types": .int(types), "blobs": .int(blobs), "attachments": .int(attachments), "records": .int(records),
            "versions": .int(versions), "associations": .int(associations), "tokens": .int(tokens),
        ]
    }

    /// `"3 types, 10 records (14 versions), …"`.
    public var description: String {
        "\(types) types, \(records) records (\(versions) versions), \(associations) associations, "
            + "\(attachments) attachments (\(blobs) blobs), \(tokens) tokens"
    }
}

extension Maintenance {
    /// Writes everything in the stack (SPEC §7 `export`): types, records with all their versions
    /// and grants, associations, attachments with their bytes, and tokens' metadata including
    /// their hashes (never secrets; the hashes let imported tokens keep working, so guard the file
    /// like the database). The change log and idempotency entries are not exported.
    /// Reads one snapshot, so it may run beside a server.
    ///
    /// - Parameter path: the file to write (through a temporary file renamed at the end, mode
    ///   0600); `nil` writes to standard output.
    public static func export(dataDirectory: String, to path: String?) async throws -> TransferSummary {
        try await Blocking.run { try exportBlocking(dataDirectory: dataDirectory, to: path) }
    }

    static func exportBlocking(dataDirectory: String, to path: String?) throws -> TransferSummary {
        let db = try openExisting(dataDirectory)
        guard let path else {
            let writer = LineWriter(fd: 1, path: "standard output")
            return try exportRows(db: db, dataDirectory: dataDirectory, to: writer)
        }
        let temporary = path + ".partial"
        let fd = try BlobFileIO.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
        do {
            let summary = try exportRows(db: db, dataDirectory: dataDirectory, to: LineWriter(fd: fd, path: temporary))
            try BlobFileIO.fsync(fd, path: temporary)
            BlobFileIO.close(fd)
            try BlobFileIO.rename(temporary, path)
            return summary
        } catch {
            BlobFileIO.close(fd)
            _ = try? BlobFileIO.unlink(temporary)
            throw error
        }
    }

    /// Writes one `blob` line, streaming the bytes through base64 (never the whole blob in
    /// memory) and checking their digest on the way: a corrupt blob fails the export.
    private static func writeBlob(_ sha: String, blobs: BlobStore, to writer: LineWriter) throws {
        let file: OpenBlob
        do {
            file = try blobs.open(sha)
        } catch .notFound {
            throw MaintenanceError.missingBlob(sha)
        }
        // `sha` is 64 hex digits (the store checked it): nothing to escape.
        try writer.writeRaw((#"{"kind":"blob","sha256":""# + sha + #"","data":""#).utf8)
        var hasher = SHA256()
        var carry: [UInt8] = []
        var size: Int64 = 0
        try file.forEachChunk { (chunk) throws(BlobStoreError) in
            hasher.update(chunk)
            size += Int64(chunk.count)
            carry.append(contentsOf: chunk)
            let whole = carry.count - carry.count % 3  // base64 of whole 3-byte groups concatenates cleanly
            if whole > 0 {
                try writer.writeRaw(Data(carry[0..<whole]).base64EncodedData())
                carry.removeFirst(whole)
            }
        }
        if !carry.isEmpty { try writer.writeRaw(Data(carry).base64EncodedData()) }
        let actual = hasher.finalizeHex()
        guard actual == sha else {
            throw MaintenanceError.io("blob \(sha) is corrupt (its bytes hash to \(actual)); run 'stack check'")
        }
        try writer.writeRaw((#"","size":"# + String(size) + "}\n").utf8)
    }

    private static func exportRows(db: Database, dataDirectory: String, to writer: LineWriter) throws -> TransferSummary {
        try db.inTransaction(.deferred) { db in
            guard let owner = try ownerEntityId(db) else { throw MaintenanceError.noStack(dataDirectory) }
            var summary = TransferSummary()
            try writer.write([
                "format": .string(ExportFormat.name), "formatVersion": .int(ExportFormat.version),
                "exportedAt": ExportFormat.time(.now()), "ownerEntityId": .string(owner),
            ])
            for definition in try TypeRegistry.loadAll(db: db) {
                var line: JSON = ["kind": "type"]
                for member in definition.json.objectValue ?? [:] { line[member.key] = member.value }
                try writer.write(line)
                summary.types += 1
            }
            let blobs = try BlobStore(dataDirectory: dataDirectory)
            try db.forEachRow("SELECT DISTINCT sha256 FROM attachments ORDER BY sha256") { row in
                try writeBlob(row.text(0), blobs: blobs, to: writer)
                summary.blobs += 1
            }
            try db.forEachRow("SELECT file_id, sha256, size, content_type, created_at, created_by FROM attachments ORDER BY file_id") { row in
                try writer.write([
                    "kind": "attachment", "fileId": .string(row.text(0)), "sha256": .string(row.text(1)),
                    "size": .int(row.int64(2)), "contentType": .string(row.text(3)),
                    "createdAt": ExportFormat.time(row.int64(4)), "createdBy": .string(row.text(5)),
                ])
                summary.attachments += 1
            }
            try db.forEachRow("SELECT \(RecordRows.columns) FROM records r ORDER BY r.rid") { row in
                let (rid, record) = try RecordRows.decode(row)
                let versions = try db.fetchAll(
                    "SELECT version, content, created_at, created_by, operation FROM record_versions WHERE rid = ? ORDER BY version", [rid]
                ) { version -> JSON in
                    [
                        "version": .int(version.int64(0)), "content": try JSON(parsing: version.bytes(1)),
                        "createdAt": ExportFormat.time(version.int64(2)), "createdBy": .string(version.text(3)),
                        "operation": .string(version.text(4)),
                    ]
                }
                try writer.write([
                    "kind": "record", "id": .string(record.id), "type": .string(record.type), "content": record.content,
                    "version": .int(Int64(record.version)), "createdAt": ExportFormat.time(record.createdAt),
                    "updatedAt": ExportFormat.time(record.updatedAt), "createdBy": .string(record.createdBy),
                    "deletedAt": record.deletedAt.map(ExportFormat.time) ?? .null,
                    "permissions": Grant.json(record.permissions ?? []), "versions": .array(versions),
                ])
                summary.records += 1
                summary.versions += versions.count
            }
            try db.forEachRow(
                """
                SELECT s.id, a.relation, t.id, a.created_at, a.created_by FROM associations a
                JOIN records s ON s.rid = a.source_rid JOIN records t ON t.rid = a.target_rid ORDER BY s.id, a.relation, t.id
                """
            ) { row in
                try writer.write([
                    "kind": "association", "source": .string(row.text(0)), "relation": .string(row.text(1)),
                    "target": .string(row.text(2)), "createdAt": ExportFormat.time(row.int64(3)), "createdBy": .string(row.text(4)),
                ])
                summary.associations += 1
            }
            try db.forEachRow(
                "SELECT id, hash, name, entity_id, create_grants, expires_at, created_at, last_used_at FROM tokens ORDER BY id"
            ) { row in
                try writer.write([
                    "kind": "token", "id": .string(row.text(0)), "hash": .string(row.text(1)), "name": .string(row.text(2)),
                    "entityId": .string(row.text(3)), "createGrants": try JSON(parsing: row.bytes(4)),
                    "expiresAt": ExportFormat.time(row.optionalInt64(5)), "createdAt": ExportFormat.time(row.int64(6)),
                    "lastUsedAt": ExportFormat.time(row.optionalInt64(7)),
                ])
                summary.tokens += 1
            }
            try writer.write(["kind": "end", "counts": summary.json])
            try writer.flush()
            return summary
        }
    }
}
