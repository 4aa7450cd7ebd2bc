import Foundation
import StackJSON
import Testing
@testable import StackStore

/// SPEC §7 `backup`, `export`, `import`, `check` through ``Maintenance``.
@Suite struct MaintenanceTests {
    func upload(_ bytes: [UInt8], _ s: TestStack, type: String = "text/plain") async throws -> StackStore.Attachment {
        let upload = try await s.store.beginAttachment(contentType: type, maxSize: 1 << 20, as: s.owner)
        try await upload.write(bytes)
        return try await upload.finish()
    }

    /// A stack with types, versions, a deleted record, grants, a group, associations, attachments and a token.
    struct Populated {
        var note: Record
        var attachment: StackStore.Attachment
        var bytes: [UInt8]
        var secret: String
    }

    func populate(_ s: TestStack) async throws -> Populated {
        try await s.registerType("note")
        let ann = try await s.entity("Ann")
        let bytes = Array("attached bytes \u{1F600}".utf8) + [0, 255, 10]
        let attachment = try await upload(bytes, s)
        _ = try await upload(bytes, s)  // a second fileId sharing the blob
        var note = try await s.store.createRecord(
            NewRecord(type: "note", content: ["title": "first", "file": .string(attachment.fileId)],
                permissions: [.public, .entity(id: ann.entityId, read: true, write: true)]), as: s.owner)
        note = try await s.store.patchRecord(note.id, patch: ["title": "second", "n": 1.5], as: s.owner)
        let group = try await s.store.createRecord(
            NewRecord(type: "group", content: ["name": "friends", "members": .array([.string(ann.entityId)])]), as: s.owner)
        let gone = try await s.store.createRecord(NewRecord(type: "note", content: ["title": "gone"]), as: ann)
        try await s.store.deleteRecord(gone.id, as: s.owner)
        _ = try await s.store.addAssociation(from: note.id, relation: "about", to: group.id, as: s.owner)
        _ = try await s.store.addAssociation(from: note.id, relation: "by", to: ann.entityId, as: s.owner)
        let token = try await s.store.createToken(NewToken(name: "app", entityId: ann.entityId, createGrants: ["note"]), as: s.owner)
        return Populated(note: note, attachment: attachment, bytes: bytes, secret: token.secret)
    }

    /// The export's lines without the header (whose `exportedAt` differs between runs).
    func exportLines(_ directory: String, scratch: TemporaryDirectory) async throws -> [String] {
        let file = scratch.path + "/export-\(UUID().uuidString).jsonl"
        _ = try await Maintenance.export(dataDirectory: directory, to: file)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        return Array(text.split(separator: "\n").dropFirst().map(String.init))
    }

    @Test func exportThenImportIntoANewDirectory_reproducesTheStack() async throws {
        try await withStack { s in
            let populated = try await populate(s)
            let scratch = TemporaryDirectory()
            defer { scratch.remove() }
            let file = scratch.path + "/stack.jsonl"
            let exported = try await Maintenance.export(dataDirectory: s.directory.path, to: file)
            #expect(exported.attachments == 2 && exported.blobs == 1 && exported.associations == 2 && exported.tokens == 1)
            let header = try JSON(parsing: Array(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")[0].utf8))
            #expect(header["format"] == "stack-export")
            #expect(header["formatVersion"] == 1)
            #expect(header["ownerEntityId"]?.stringValue == s.store.ownerEntityId)

            let target = scratch.path + "/restored"
            let imported = try await Maintenance.importStack(from: file, into: target)
            #expect(imported == exported)
            #expect(try await exportLines(target, scratch: scratch) == exportLines(s.directory.path, scratch: scratch))

            let restored = try await Store.open(at: target)
            #expect(restored.ownerEntityId == s.store.ownerEntityId)
            #expect(try await restored.record(populated.note.id, as: restored.ownerPrincipal) == populated.note)
            #expect(try await restored.versions(of: populated.note.id, as: restored.ownerPrincipal).results.count == 2)
            let open = try await restored.openAttachment(populated.attachment.fileId, as: restored.ownerPrincipal)
            #expect(try open.file.readAll() == populated.bytes)
            #expect(open.attachment == populated.attachment)
            // Token hashes come along, so the old secret still authenticates, as the same entity.
            let principal = try await restored.authenticate(secret: populated.secret)
            #expect(principal?.createGrants == ["note"])
            // Grants work: the public record is readable anonymously.
            #expect(try await restored.record(populated.note.id, as: nil).id == populated.note.id)
            await restored.close()
            #expect(try await Maintenance.check(dataDirectory: target).isSound)
        }
    }

    @Test func importIntoAJustInitialisedStack_replacesIt_butRefusesAStackWithData() async throws {
        try await withStack { s in
            _ = try await populate(s)
            let scratch = TemporaryDirectory()
            defer { scratch.remove() }
            let file = scratch.path + "/stack.jsonl"
            _ = try await Maintenance.export(dataDirectory: s.directory.path, to: file)

            let fresh = scratch.path + "/fresh"
            let initialised = try await Store.create(at: fresh)
            let seqBefore = initialised.latestChangeSeq
            let firstOwner = initialised.ownerEntityId
            await initialised.close()
            _ = try await Maintenance.importStack(from: file, into: fresh)
            #expect(try await exportLines(fresh, scratch: scratch) == exportLines(s.directory.path, scratch: scratch))
            // The change log goes on: the next event is numbered past every earlier one.
            let imported = try await Store.open(at: fresh)
            let next = try await imported.createRecord(NewRecord(type: "entity", content: ["name": "after"]), as: imported.ownerPrincipal)
            let events = try await imported.changes(since: 0, limit: 100, as: imported.ownerPrincipal).results
            #expect(events.last?.recordId == next.id && (events.last?.seq ?? 0) > seqBefore)
            #expect(Set(events.map(\.seq)).count == events.count)
            // The first owner entity, replaced by the import, is gone from the log's point of view too.
            #expect(events.contains { $0.recordId == firstOwner && $0.operation == .erase })
            await imported.close()

            // The source itself holds data: refused, and left unchanged.
            let before = try await exportLines(s.directory.path, scratch: scratch)
            await #expect(throws: MaintenanceError.stackNotEmpty(s.directory.path)) {
                _ = try await Maintenance.importStack(from: file, into: s.directory.path)
            }
            #expect(try await exportLines(s.directory.path, scratch: scratch) == before)
        }
    }

    @Test func importRefusesATruncatedOrForeignFile() async throws {
        try await withStack { s in
            _ = try await populate(s)
            let scratch = TemporaryDirectory()
            defer { scratch.remove() }
            let file = scratch.path + "/stack.jsonl"
            _ = try await Maintenance.export(dataDirectory: s.directory.path, to: file)
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
            let cut = scratch.path + "/cut.jsonl"
            try (lines.dropLast().joined(separator: "\n") + "\n").write(toFile: cut, atomically: true, encoding: .utf8)
            let target = scratch.path + "/target"
            await #expect(throws: MaintenanceError.self) { _ = try await Maintenance.importStack(from: cut, into: target) }
            #expect(!Store.exists(at: target))
            // Nothing was committed: the same directory still takes the whole file.
            _ = try await Maintenance.importStack(from: file, into: target)
            let foreign = scratch.path + "/foreign.jsonl"
            try "{\"hello\": 1}\n".write(toFile: foreign, atomically: true, encoding: .utf8)
            await #expect(throws: MaintenanceError.invalidExport(line: 1, "the header has no \"format\": \"stack-export\"")) {
                _ = try await Maintenance.importStack(from: foreign, into: scratch.path + "/other")
            }
        }
    }

    @Test func aBlobLargerThanOneReadChunk_survivesExportAndImport_andACorruptOneFailsTheExport() async throws {
        try await withStack { s in
            // 256 KiB chunks: 700_001 bytes spans three, and is not a multiple of 3 (base64 groups).
            let bytes = (0..<700_001).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
            let big = try await upload(bytes, s)
            let scratch = TemporaryDirectory()
            defer { scratch.remove() }
            let file = scratch.path + "/big.jsonl"
            _ = try await Maintenance.export(dataDirectory: s.directory.path, to: file)
            _ = try await Maintenance.importStack(from: file, into: scratch.path + "/restored")
            let restored = try await Store.open(at: scratch.path + "/restored")
            #expect(try await restored.openAttachment(big.fileId, as: restored.ownerPrincipal).file.readAll() == bytes)
            await restored.close()

            try Data("short".utf8).write(to: URL(fileURLWithPath: try s.store.blobs.path(for: big.sha256)))
            await #expect(throws: MaintenanceError.self) {
                _ = try await Maintenance.export(dataDirectory: s.directory.path, to: scratch.path + "/bad.jsonl")
            }
            #expect(!FileManager.default.fileExists(atPath: scratch.path + "/bad.jsonl"))
            #expect(!FileManager.default.fileExists(atPath: scratch.path + "/bad.jsonl.partial"))
        }
    }

    @Test func backupWhileWritesContinue_opensAndChecksClean() async throws {
        try await withStack { s in
            let populated = try await populate(s)
            let scratch = TemporaryDirectory()
            defer { scratch.remove() }
            let destination = scratch.path + "/backup"
            let store = s.store
            let writer = Task {
                var count = 0
                for index in 0..<40 {
                    _ = try await store.createRecord(NewRecord(type: "note", content: ["i": .int(index)]), as: store.ownerPrincipal)
                    let upload = try await store.beginAttachment(contentType: "text/plain", as: store.ownerPrincipal)
                    try await upload.write(Array("blob \(index)".utf8))
                    _ = try await upload.finish()
                    count += 1
                }
                return count
            }
            let summary = try await Maintenance.backup(dataDirectory: s.directory.path, to: destination)
            #expect(try await writer.value == 40)
            #expect(summary.blobs >= 1)
            let report = try await Maintenance.check(dataDirectory: destination)
            #expect(report.faults == [])
            #expect(report.warnings == [])
            let copy = try await Store.open(at: destination)
            #expect(try await copy.record(populated.note.id, as: copy.ownerPrincipal) == populated.note)
            let open = try await copy.openAttachment(populated.attachment.fileId, as: copy.ownerPrincipal)
            #expect(try open.file.readAll() == populated.bytes)
            await copy.close()
        }
    }

    @Test func backupRefusesANonEmptyDestination() async throws {
        try await withStack { s in
            let scratch = TemporaryDirectory()
            defer { scratch.remove() }
            try "x".write(toFile: scratch.path + "/file", atomically: true, encoding: .utf8)
            await #expect(throws: MaintenanceError.destinationNotEmpty(scratch.path)) {
                _ = try await Maintenance.backup(dataDirectory: s.directory.path, to: scratch.path)
            }
            // An existing empty directory is fine.
            let empty = scratch.path + "/empty"
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
            _ = try await Maintenance.backup(dataDirectory: s.directory.path, to: empty)
            #expect(Store.exists(at: empty))
            // A failed backup leaves no half copy behind.
            let broken = scratch.path + "/broken"
            try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: false)
            try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: broken + "/stack.db"))
            await #expect(throws: (any Error).self) {
                _ = try await Maintenance.backup(dataDirectory: broken, to: scratch.path + "/never")
            }
            #expect(!FileManager.default.fileExists(atPath: scratch.path + "/never"))
        }
    }

    @Test func checkFindsCorruptAndMissingBlobs_andWarnsOnOrphans() async throws {
        try await withStack { s in
            let corrupt = try await upload(Array("will be corrupted".utf8), s)
            let missing = try await upload(Array("will go missing".utf8), s)
            let sound = try await upload(Array("stays sound".utf8), s)
            var report = try await Maintenance.check(dataDirectory: s.directory.path)
            #expect(report.isSound)
            #expect(report.blobsChecked == 3)

            let corruptPath = try s.store.blobs.path(for: corrupt.sha256)
            try Data("WILL be corrupted".utf8).write(to: URL(fileURLWithPath: corruptPath))
            try await s.store.blobs.remove(missing.sha256)
            let orphan = try await s.store.blobs.makeWriter()
            try await orphan.write(Array("nobody refers to me".utf8))
            let orphanInfo = try await orphan.finish()

            report = try await Maintenance.check(dataDirectory: s.directory.path)
            #expect(!report.isSound)
            #expect(report.faults.count == 2)
            #expect(report.faults.contains { $0.contains(corrupt.fileId) && $0.contains("corrupt") })
            #expect(report.faults.contains { $0.contains(missing.fileId) && $0.contains("missing") })
            #expect(!report.faults.contains { $0.contains(sound.fileId) })
            #expect(report.warnings == ["blob \(orphanInfo.sha256) is not referred to by any fileId"])
        }
    }

    @Test func checkWarnsOnlyForAnOrphan() async throws {
        try await withStack { s in
            let writer = try await s.store.blobs.makeWriter()
            try await writer.write(Array("orphan".utf8))
            _ = try await writer.finish()
            let report = try await Maintenance.check(dataDirectory: s.directory.path)
            #expect(report.isSound)
            #expect(report.warnings.count == 1)
        }
    }

    @Test func commandsOnADirectoryWithoutAStack_fail() async throws {
        let scratch = TemporaryDirectory()
        defer { scratch.remove() }
        await #expect(throws: MaintenanceError.noStack(scratch.path)) { _ = try await Maintenance.check(dataDirectory: scratch.path) }
        await #expect(throws: MaintenanceError.noStack(scratch.path)) {
            _ = try await Maintenance.export(dataDirectory: scratch.path, to: scratch.path + "/out.jsonl")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/out.jsonl"))
    }
}
