/// What `check` found (SPEC §7): faults make the command fail, warnings do not.
public struct CheckReport: Sendable, Equatable {
    /// Integrity errors, missing blobs, hash or size mismatches, one line each.
    public var faults: [String] = []
    /// Blobs no fileId refers to, one line each.
    public var warnings: [String] = []
    /// Blobs whose hash was recomputed.
    public var blobsChecked = 0
    /// Attachments (fileIds) checked.
    public var attachmentsChecked = 0

    /// Whether no fault was found.
    public var isSound: Bool { faults.isEmpty }
}

extension Maintenance {
    /// Verifies the stack in `dataDirectory` (SPEC §7 `check`): `PRAGMA integrity_check`,
    /// `PRAGMA foreign_key_check`, and every referenced blob's presence, size and SHA-256.
    /// Blobs no fileId refers to are warnings. Only reads, so it may run beside a server (an
    /// upload in flight may then show as an unreferenced blob).
    /// - Throws: ``MaintenanceError/noStack(_:)``; faults are reported, not thrown.
    public static func check(dataDirectory: String) async throws -> CheckReport {
        try await Blocking.run { try checkBlocking(dataDirectory: dataDirectory) }
    }

    static func checkBlocking(dataDirectory: String) throws -> CheckReport {
        var report = CheckReport()
        let db = try openExisting(dataDirectory)
        let integrity: [String]
        do {
            integrity = try db.fetchAll("PRAGMA integrity_check") { $0.text(0) }
        } catch {
            report.faults.append("database: \(error)")
            return report
        }
        if integrity != ["ok"] { report.faults += integrity.map { "database: \($0)" } }
        let foreignKeys = try db.fetchAll("PRAGMA foreign_key_check") { row in
            "database: row \(row.int64(1)) of \(row.text(0)) refers to a missing row of \(row.text(2))"
        }
        report.faults += foreignKeys
        guard try ownerEntityId(db) != nil else {
            report.faults.append("database: no owner entity")
            return report
        }
        let attachments = try db.inTransaction(.deferred) { db in
            try db.fetchAll("SELECT file_id, sha256, size FROM attachments ORDER BY file_id") {
                (fileId: $0.text(0), sha256: $0.text(1), size: $0.int64(2))
            }
        }
        report.attachmentsChecked = attachments.count
        let blobs = try BlobStore(dataDirectory: dataDirectory)
        let stored = Set(try blobs.listAllBlobs())
        var verdicts: [String: String?] = [:]  // sha256 → fault text, nil when sound
        for attachment in attachments {
            let sha = attachment.sha256
            if verdicts[sha] == nil {
                verdicts[sha] = blobFault(sha, expectedSize: attachment.size, stored: stored, blobs: blobs)
                if stored.contains(sha) { report.blobsChecked += 1 }
            }
            if let fault = verdicts[sha] ?? nil {
                report.faults.append("attachment \(attachment.fileId): \(fault)")
            }
        }
        let referenced = Set(attachments.map(\.sha256))
        for sha in stored.sorted() where !referenced.contains(sha) {
            report.warnings.append("blob \(sha) is not referred to by any fileId")
        }
        return report
    }

    private static func blobFault(_ sha: String, expectedSize: Int64, stored: Set<String>, blobs: BlobStore) -> String? {
        guard stored.contains(sha) else { return "blob \(sha) is missing" }
        do {
            let size = try blobs.size(of: sha)
            if size != expectedSize { return "blob \(sha) has \(size) bytes, expected \(expectedSize)" }
            let actual = try blobs.computeDigest(of: sha)
            if actual != sha { return "blob \(sha) is corrupt (its bytes hash to \(actual))" }
            return nil
        } catch {
            return "blob \(sha) cannot be read: \(error)"
        }
    }
}
