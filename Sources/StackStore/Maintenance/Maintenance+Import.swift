import Foundation
import StackJSON

extension Maintenance {
    /// Loads an export (see ``ExportFormat``) into `dataDirectory` (SPEC §7 `import`), which must
    /// hold no stack or an empty one (as `stack init` leaves it: only the owner entity, built-in
    /// types and tokens; these are replaced). Ids, versions, timestamps, `createdBy`, grants,
    /// associations, attachments (same fileIds and bytes) and tokens (same ids and hashes, so
    /// their secrets keep working) come back as they were. The change log starts empty.
    ///
    /// Everything is written in one transaction: a failed import leaves the stack as it was
    /// (blobs already written are unreferenced, and removed at the next start). Stop any server
    /// on `dataDirectory` first.
    /// - Throws: ``MaintenanceError/stackNotEmpty(_:)``, ``MaintenanceError/invalidExport(line:_:)``.
    public static func importStack(from path: String, into dataDirectory: String) async throws -> TransferSummary {
        try await Blocking.run { try importBlocking(from: path, into: dataDirectory) }
    }

    static func importBlocking(from path: String, into dataDirectory: String) throws -> TransferSummary {
        let reader = try LineReader(path: path)
        guard let headerBytes = reader.next() else { throw MaintenanceError.invalidExport(line: 1, "the file is empty") }
        let header = try parseLine(headerBytes, number: 1)
        guard header["format"]?.stringValue == ExportFormat.name else {
            throw MaintenanceError.invalidExport(line: 1, "the header has no \"format\": \"\(ExportFormat.name)\"")
        }
        guard header["formatVersion"]?.int64Value == ExportFormat.version else {
            throw MaintenanceError.invalidExport(line: 1, "formatVersion \(header["formatVersion"].map { "\($0)" } ?? "missing") is not supported")
        }
        let owner = try string(header, "ownerEntityId", line: 1)
        try FileManager.default.createDirectory(
            atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let databaseExisted = FileManager.default.fileExists(atPath: databasePath(dataDirectory))
        do {
            return try importLines(reader, owner: owner, into: dataDirectory)
        } catch {
            // A database this import created and could not fill must not pass for a stack.
            if !databaseExisted {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: databasePath(dataDirectory) + suffix) }
            }
            throw error
        }
    }

    private static func importLines(_ reader: LineReader, owner: String, into dataDirectory: String) throws -> TransferSummary {
        let blobs = try BlobStore(dataDirectory: dataDirectory)
        let db = try Database(path: databasePath(dataDirectory), mode: .create, busyTimeoutMilliseconds: 10_000)
        guard try db.pragmaText("journal_mode = WAL")?.lowercased() == "wal" else {
            throw MaintenanceError.io("cannot switch the database to WAL mode")
        }
        try db.executeScript("PRAGMA foreign_keys = ON")
        try Schema.migrations.migrate(db)
        return try db.inTransaction(.immediate) { db in
            try prepareEmptyStack(db, dataDirectory: dataDirectory)
            try db.execute("INSERT INTO meta (key, value) VALUES ('owner_entity_id', ?)", [owner])
            var importer = Importer(db: db, blobs: blobs, owner: owner)
            var ended = false
            while let bytes = reader.next() {
                if bytes.isEmpty { continue }
                guard !ended else { throw MaintenanceError.invalidExport(line: reader.number, "a line after the \"end\" line") }
                let line = try parseLine(bytes, number: reader.number)
                ended = try importer.apply(line, number: reader.number)
            }
            guard ended else {
                throw MaintenanceError.invalidExport(line: reader.number, "no \"end\" line: the file was cut short")
            }
            return importer.summary
        }
    }

    /// Refuses a stack holding data; empties a just-initialised one.
    private static func prepareEmptyStack(_ db: Database, dataDirectory: String) throws {
        guard let existing = try ownerEntityId(db) else { return }
        let isEmpty = try !db.exists("SELECT 1 FROM records WHERE id <> ?", [existing])
            && !db.exists("SELECT 1 FROM attachments") && !db.exists("SELECT 1 FROM associations")
            && !db.exists("SELECT 1 FROM types WHERE built_in = 0")
        guard isEmpty else { throw MaintenanceError.stackNotEmpty(dataDirectory) }
        // The change log stays: `seq` is never given twice (schema version 9 numbers events one
        // past the largest), so a client holding a position in it misses nothing from here on.
        // The records removed here (the stack's first owner entity) get their `erase` events, as
        // an erase through the API would give them.
        try db.execute(
            "INSERT INTO changes (rid, record_id, type, version, operation, at) SELECT rid, id, type, version, 'erase', ? FROM records ORDER BY rid",
            [Timestamp.now().milliseconds])
        for table in [
            "file_refs", "associations", "grants", "group_members", "versions", "records", "attachments", "tokens",
            "types", "idempotency", "meta",
        ] {
            try db.execute("DELETE FROM \(table)")
        }
    }

    static func parseLine(_ bytes: [UInt8], number: Int) throws -> JSON {
        do {
            let json = try JSON(parsing: bytes)
            guard json.objectValue != nil else { throw MaintenanceError.invalidExport(line: number, "not a JSON object") }
            return json
        } catch let error as MaintenanceError {
            throw error
        } catch {
            throw MaintenanceError.invalidExport(line: number, "\(error)")
        }
    }

    static func string(_ json: JSON, _ key: String, line: Int) throws -> String {
        guard let value = json[key]?.stringValue else {
            throw MaintenanceError.invalidExport(line: line, "\"\(key)\" must be a string")
        }
        return value
    }

    static func int(_ json: JSON, _ key: String, line: Int) throws -> Int64 {
        guard let value = json[key]?.int64Value else {
            throw MaintenanceError.invalidExport(line: line, "\"\(key)\" must be an integer")
        }
        return value
    }

    static func time(_ json: JSON, _ key: String, line: Int) throws -> Int64 {
        guard let value = Timestamp(rfc3339: try string(json, key, line: line)) else {
            throw MaintenanceError.invalidExport(line: line, "\"\(key)\" must be an RFC 3339 time")
        }
        return value.milliseconds
    }

    static func optionalTime(_ json: JSON, _ key: String, line: Int) throws -> Int64? {
        if json[key] == nil || json[key]?.isNull == true { return nil }
        return try time(json, key, line: line)
    }
}

/// Writes the objects of an export's lines, in a transaction the caller holds.
private struct Importer {
    let db: Database
    let blobs: BlobStore
    let owner: String
    var summary = TransferSummary()
    /// The order of kinds the format prescribes; a line may not go back to an earlier kind.
    var lastKind = 0
    /// What each type's records store in `records.indexed`, read from `types` when first needed.
    var indexedByType: [String: IndexedValues] = [:]

    init(db: Database, blobs: BlobStore, owner: String) {
        self.db = db
        self.blobs = blobs
        self.owner = owner
    }

    /// Writes one line; returns `true` for the `end` line.
    mutating func apply(_ line: JSON, number: Int) throws -> Bool {
        let kindName = try Maintenance.string(line, "kind", line: number)
        if kindName == "end" {
            let counts = line["counts"]
            guard counts == nil || counts == summary.json else {
                throw MaintenanceError.invalidExport(line: number, "the counts \(counts!) do not match what was read \(summary.json)")
            }
            return true
        }
        guard let kind = ExportFormat.Kind(rawValue: kindName), let order = ExportFormat.Kind.allCases.firstIndex(of: kind) else {
            throw MaintenanceError.invalidExport(line: number, "unknown kind \"\(kindName)\"")
        }
        guard order >= lastKind else {
            throw MaintenanceError.invalidExport(line: number, "a \(kindName) line after a \(ExportFormat.Kind.allCases[lastKind]) line")
        }
        lastKind = order
        do {
            switch kind {
            case .type: try importType(line, number)
            case .blob: try importBlob(line, number)
            case .attachment: try importAttachment(line, number)
            case .record: try importRecord(line, number)
            case .association: try importAssociation(line, number)
            case .token: try importToken(line, number)
            }
        } catch let error as MaintenanceError {
            throw error
        } catch {
            throw MaintenanceError.invalidExport(line: number, "\(error)")
        }
        return false
    }

    private mutating func importType(_ line: JSON, _ n: Int) throws {
        guard let schema = line["schema"], schema.objectValue != nil || schema.boolValue != nil else {
            throw MaintenanceError.invalidExport(line: n, "\"schema\" must be a JSON Schema")
        }
        let definition = TypeDefinition(
            id: try Maintenance.string(line, "id", line: n), name: line["name"]?.stringValue,
            description: line["description"]?.stringValue, schema: schema,
            indexes: line["indexes"]?.arrayValue?.compactMap(\.stringValue) ?? [], builtIn: line["builtIn"]?.boolValue ?? false,
            createdAt: Timestamp(milliseconds: try Maintenance.time(line, "createdAt", line: n)))
        try TypeRegistry.insertRow(definition, db: db)
        summary.types += 1
    }

    private mutating func importBlob(_ line: JSON, _ n: Int) throws {
        let sha = try Maintenance.string(line, "sha256", line: n)
        guard let bytes = Data(base64Encoded: try Maintenance.string(line, "data", line: n)) else {
            throw MaintenanceError.invalidExport(line: n, "\"data\" is not base64")
        }
        let writer = try blobs.makeWriter()
        do {
            try writer.write(bytes)
        } catch {
            writer.abort()
            throw error
        }
        let info = try writer.finish()
        guard info.sha256 == sha, info.size == (try Maintenance.int(line, "size", line: n)) else {
            throw MaintenanceError.invalidExport(line: n, "the bytes of blob \(sha) hash to \(info.sha256) (\(info.size) bytes)")
        }
        summary.blobs += 1
    }

    private mutating func importAttachment(_ line: JSON, _ n: Int) throws {
        let sha = try Maintenance.string(line, "sha256", line: n)
        guard blobs.exists(sha) else { throw MaintenanceError.invalidExport(line: n, "no blob line for \(sha) came before") }
        try db.execute(
            "INSERT INTO attachments (file_id, sha256, size, content_type, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
            [
                try Maintenance.string(line, "fileId", line: n), sha, try Maintenance.int(line, "size", line: n),
                try Maintenance.string(line, "contentType", line: n), try Maintenance.time(line, "createdAt", line: n),
                try Maintenance.string(line, "createdBy", line: n),
            ])
        summary.attachments += 1
    }

    private mutating func indexedValues(of type: String) throws -> IndexedValues {
        if let known = indexedByType[type] { return known }
        let indexes = try db.fetchOne("SELECT indexes FROM types WHERE id = ?", [type]) { try JSON(parsing: $0.bytes(0)) }
        let values = IndexedValues(indexes?.arrayValue?.compactMap(\.stringValue) ?? [])
        indexedByType[type] = values
        return values
    }

    private mutating func importRecord(_ line: JSON, _ n: Int) throws {
        guard let content = line["content"], let versions = line["versions"]?.arrayValue else {
            throw MaintenanceError.invalidExport(line: n, "a record needs \"content\" and \"versions\"")
        }
        let grants = try Grant.list(from: line["permissions"] ?? [])
        let deletedAt = try Maintenance.optionalTime(line, "deletedAt", line: n)
        let record = Record(
            id: try Maintenance.string(line, "id", line: n), type: try Maintenance.string(line, "type", line: n), content: content,
            version: Int(try Maintenance.int(line, "version", line: n)),
            createdAt: Timestamp(milliseconds: try Maintenance.time(line, "createdAt", line: n)),
            updatedAt: Timestamp(milliseconds: try Maintenance.time(line, "updatedAt", line: n)),
            createdBy: try Maintenance.string(line, "createdBy", line: n), deletedAt: deletedAt.map(Timestamp.init(milliseconds:)),
            permissions: grants)
        // The current version is the `records` row itself; the earlier ones go to `versions`.
        struct Version {
            var number: Int, content: JSON, at: Timestamp, by: String, operation: VersionOperation
        }
        var earlier: [Version] = []
        var current: Version?
        var numbers: Set<Int> = []
        for version in versions {
            guard let versionContent = version["content"] else {
                throw MaintenanceError.invalidExport(line: n, "a version needs \"content\"")
            }
            let operationName = try Maintenance.string(version, "operation", line: n)
            guard let operation = VersionOperation(rawValue: operationName) else {
                throw MaintenanceError.invalidExport(line: n, "unknown version operation \"\(operationName)\"")
            }
            let entry = Version(
                number: Int(try Maintenance.int(version, "version", line: n)), content: versionContent,
                at: Timestamp(milliseconds: try Maintenance.time(version, "createdAt", line: n)),
                by: try Maintenance.string(version, "createdBy", line: n), operation: operation)
            guard numbers.insert(entry.number).inserted else {
                throw MaintenanceError.invalidExport(line: n, "version \(entry.number) is listed twice")
            }
            if entry.number == record.version {
                guard entry.content == content else {
                    throw MaintenanceError.invalidExport(line: n, "version \(entry.number) is the current one but its content differs")
                }
                current = entry
            } else if entry.number > record.version {
                throw MaintenanceError.invalidExport(line: n, "version \(entry.number) comes after the current version \(record.version)")
            } else {
                earlier.append(entry)
            }
        }
        guard let current else {
            throw MaintenanceError.invalidExport(line: n, "the versions must include the current version \(record.version)")
        }
        let rid = try RecordRows.insert(
            record, text: RecordText(content, type: try indexedValues(of: record.type)), versionAt: current.at, versionBy: current.by,
            operation: current.operation, db: db)
        try RecordRows.writeGrants(rid: rid, grants: grants, replacing: false, db: db)
        try RecordRows.syncGroupMembers(rid: rid, record: record, ownerEntityId: owner, db: db)
        try RecordRows.recordFileReferences(rid: rid, content: content, db: db)
        for version in earlier {
            try RecordRows.insertEarlierVersion(
                rid: rid, version: version.number, contentText: version.content.serializedString(), at: version.at, by: version.by,
                operation: version.operation, db: db)
            try RecordRows.recordFileReferences(rid: rid, content: version.content, db: db)
        }
        summary.versions += versions.count
        summary.records += 1
    }

    private mutating func importAssociation(_ line: JSON, _ n: Int) throws {
        func rid(_ key: String) throws -> Int64 {
            let id = try Maintenance.string(line, key, line: n)
            guard let rid = try db.fetchOne("SELECT rid FROM records WHERE id = ?", [id], { $0.int64(0) }) else {
                throw MaintenanceError.invalidExport(line: n, "the association's \(key) \(id) is not a record of the export")
            }
            return rid
        }
        try db.execute(
            "INSERT INTO associations (source_rid, relation, target_rid, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
            [
                try rid("source"), try Maintenance.string(line, "relation", line: n), try rid("target"),
                try Maintenance.time(line, "createdAt", line: n), try Maintenance.string(line, "createdBy", line: n),
            ])
        summary.associations += 1
    }

    private mutating func importToken(_ line: JSON, _ n: Int) throws {
        let grants = line["createGrants"] ?? []
        guard grants.arrayValue?.allSatisfy({ $0.stringValue != nil }) == true else {
            throw MaintenanceError.invalidExport(line: n, "\"createGrants\" must be a list of type ids")
        }
        try db.execute(
            """
            INSERT INTO tokens (id, hash, name, entity_id, create_grants, expires_at, created_at, last_used_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                try Maintenance.string(line, "id", line: n), try Maintenance.string(line, "hash", line: n),
                try Maintenance.string(line, "name", line: n), try Maintenance.string(line, "entityId", line: n),
                grants.serializedString(), try Maintenance.optionalTime(line, "expiresAt", line: n),
                try Maintenance.time(line, "createdAt", line: n), try Maintenance.optionalTime(line, "lastUsedAt", line: n),
            ])
        summary.tokens += 1
    }
}
