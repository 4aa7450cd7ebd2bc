import Foundation
import StackJSON
import StackStore
import Testing

/// `stack backup`, `export`, `import` and `check` run as a user would (SPEC §7).
@Suite(.enabled(if: StackBinary.path != nil, "the stack executable is not built next to the tests"))
struct MaintenanceBinaryTests {
    /// A stack made through the binary, with a record, an attachment and an app token added in-process.
    private func makeStack(_ directory: String) async throws -> (fileId: String, sha256: String, secret: String) {
        let created = try await StackBinary.run(["init", "--data", directory])
        #expect(created.status == 0)
        let store = try await Store.open(at: directory)
        let owner = store.ownerPrincipal
        _ = try await store.registerType(NewType(id: "note", schema: ["type": "object"]), as: owner)
        let upload = try await store.beginAttachment(contentType: "text/plain", as: owner)
        try await upload.write(Array("some attached bytes".utf8))
        let attachment = try await upload.finish()
        let note = try await store.createRecord(NewRecord(type: "note", content: ["file": .string(attachment.fileId)]), as: owner)
        _ = try await store.patchRecord(note.id, patch: ["title": "v2"], as: owner)
        let token = try await store.createToken(NewToken(name: "app", createGrants: ["note"]), as: owner)
        await store.close()
        return (attachment.fileId, attachment.sha256, token.secret)
    }

    @Test func exportToStdout_importIntoAnEmptyDirectory_thenExportsTheSame() async throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let made = try await makeStack(root + "/source")
        let first = try await StackBinary.run(["export"], environment: ["STACK_DATA": root + "/source"])
        #expect(first.status == 0)
        let lines = first.stdout.split(separator: "\n")
        #expect(try JSON(parsing: Array(lines[0].utf8))["format"] == "stack-export")
        #expect(try JSON(parsing: Array(lines[lines.count - 1].utf8))["kind"] == "end")
        #expect(!first.stdout.contains(made.secret))
        #expect(first.stderr.contains("exported"))
        let file = root + "/export.jsonl"
        try first.stdout.write(toFile: file, atomically: true, encoding: .utf8)

        let imported = try await StackBinary.run(["import", file, "--data", root + "/target"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let again = try await StackBinary.run(["export", "--out", root + "/again.jsonl", "--data", root + "/target"])
        #expect(again.status == 0)
        let second = try String(contentsOfFile: root + "/again.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(Array(second.dropFirst()) == Array(lines.dropFirst()))

        let restored = try await Store.open(at: root + "/target")
        #expect(try await restored.authenticate(secret: made.secret) != nil)
        let open = try await restored.openAttachment(made.fileId, as: restored.ownerPrincipal)
        #expect(try open.file.readAll() == Array("some attached bytes".utf8))
        await restored.close()

        let refused = try await StackBinary.run(["import", file, "--data", root + "/source"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not empty"))
        #expect(refused.stdout.isEmpty)
    }

    @Test func backupThenCheck_passes_andCheckFailsOnACorruptBlob() async throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let made = try await makeStack(root + "/source")
        let backup = try await StackBinary.run(["backup", root + "/copy", "--data", root + "/source"])
        #expect(backup.status == 0, "\(backup.stderr)")
        let check = try await StackBinary.run(["check", "--data", root + "/copy"])
        #expect(check.status == 0)
        #expect(check.stdout.hasPrefix("ok:"))
        #expect(check.stderr.isEmpty)
        let refused = try await StackBinary.run(["backup", root + "/copy", "--data", root + "/source"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not an empty directory"))

        // Corrupt the source's blob (not the copy's; a hard link would share it, so write a new file).
        let blob = root + "/source/blobs/" + made.sha256.prefix(2) + "/" + made.sha256.dropFirst(2)
        try FileManager.default.removeItem(atPath: blob)
        try "tampered".write(toFile: blob, atomically: false, encoding: .utf8)
        let bad = try await StackBinary.run(["check", "--data", root + "/source"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("fault: attachment \(made.fileId)"))
        #expect(try await StackBinary.run(["check", "--data", root + "/copy"]).status == 0)
    }

    @Test func check_warnsOnAnOrphanBlob_butExits0() async throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try await StackBinary.run(["init", "--data", root])
        let orphan = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        try FileManager.default.createDirectory(atPath: root + "/blobs/01", withIntermediateDirectories: true)
        try "x".write(toFile: root + "/blobs/01/" + orphan.dropFirst(2), atomically: false, encoding: .utf8)
        let check = try await StackBinary.run(["check", "--data", root])
        #expect(check.status == 0)
        #expect(check.stderr.contains("warning: blob \(orphan)"))
    }

    @Test func usageAndMissingStack() async throws {
        let missing = try await StackBinary.run(["import"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("missing argument"))
        for command in ["backup", "export", "import", "check"] {
            let help = try await StackBinary.run([command, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("USAGE: stack \(command)"))
        }
        let none = try await StackBinary.run(["check", "--data", "/nonexistent/stack"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("stack init"))
        let garbage = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: garbage) }
        try FileManager.default.createDirectory(atPath: garbage, withIntermediateDirectories: true)
        try "not json\n".write(toFile: garbage + "/bad.jsonl", atomically: true, encoding: .utf8)
        let bad = try await StackBinary.run(["import", garbage + "/bad.jsonl", "--data", garbage + "/data"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("not a valid export (line 1)"))
    }

    private func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("stack-maintenance-\(UUID().uuidString)").path
    }
}
