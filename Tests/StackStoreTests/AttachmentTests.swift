import Foundation
import StackJSON
import Testing
@testable import StackStore

@Suite struct AttachmentTests {
    func upload(_ bytes: [UInt8], _ s: TestStack, as principal: Principal? = nil, type: String = "text/plain") async throws -> StackStore.Attachment {
        let upload = try await s.store.beginAttachment(contentType: type, maxSize: 1 << 20, as: principal ?? s.owner)
        for chunk in stride(from: 0, to: bytes.count, by: 7) {
            try await upload.write(Array(bytes[chunk..<min(bytes.count, chunk + 7)]))
        }
        return try await upload.finish()
    }

    @Test func uploadStoresMetadataAndBytes() async throws {
        try await withStack { s in
            let bytes = Array("hello attachments".utf8)
            let a = try await upload(bytes, s)
            #expect(a.size == Int64(bytes.count))
            #expect(a.sha256 == SHA256.hexDigest(of: bytes))
            #expect(a.contentType == "text/plain")
            #expect(try await s.store.attachment(a.fileId, as: s.owner) == a)
            let open = try await s.store.openAttachment(a.fileId, range: 6..<17, as: s.owner)
            #expect(open.file.length == 11)
            #expect(try open.file.readAll() == Array("attachments".utf8))
            let bad = await storeError { _ = try await s.store.openAttachment(a.fileId, range: 10..<99, as: s.owner) }
            #expect(bad == .rangeNotSatisfiable(size: Int64(bytes.count)))
        }
    }

    @Test func sameBytesTwiceKeepOneBlobUntilBothAreDeleted() async throws {
        try await withStack { s in
            let bytes = Array(repeating: UInt8(42), count: 1000)
            let a = try await upload(bytes, s)
            let b = try await upload(bytes, s)
            #expect(a.fileId != b.fileId)
            #expect(a.sha256 == b.sha256)
            #expect(try await s.store.blobs.listAllBlobs() == [a.sha256])
            try await s.store.deleteAttachment(a.fileId, as: s.owner)
            #expect(await storeError { _ = try await s.store.attachment(a.fileId, as: s.owner) }?.isNotFound == true)
            #expect(try await s.store.blobs.listAllBlobs() == [a.sha256])
            try await s.store.deleteAttachment(b.fileId, as: s.owner)
            #expect(try await s.store.blobs.listAllBlobs() == [])
        }
    }

    /// Deletions running beside uploads remove their bytes at once (a review found them left on
    /// disk until the next start whenever any upload was finishing).
    @Test func deletionsBesideUploadsRemoveTheirBlobs() async throws {
        try await withStack { s in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<8 {
                    group.addTask {
                        for i in 0..<25 {
                            let a = try await upload(Array("task \(task) file \(i)".utf8), s)
                            try await s.store.deleteAttachment(a.fileId, as: s.owner)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await s.store.blobs.listAllBlobs() == [])
        }
    }

    /// The same bytes uploaded and deleted from many tasks at once: every fileId that remains has
    /// its blob, and a blob no fileId refers to is gone.
    @Test func sameBytesUploadedAndDeletedConcurrentlyKeepExactlyTheReferencedBlob() async throws {
        try await withStack { s in
            let bytes = Array("shared bytes".utf8)
            let kept = try await withThrowingTaskGroup(of: String?.self) { group in
                for task in 0..<8 {
                    group.addTask {
                        var last: String?
                        for i in 0..<20 {
                            let a = try await upload(bytes, s)
                            if (task + i) % 3 == 0 { last = a.fileId } else { try await s.store.deleteAttachment(a.fileId, as: s.owner) }
                        }
                        return last
                    }
                }
                var kept: [String] = []
                for try await id in group { if let id { kept.append(id) } }
                return kept
            }
            #expect(!kept.isEmpty)
            for id in kept {
                let open = try await s.store.openAttachment(id, as: s.owner)
                #expect(try open.file.readAll() == bytes)
            }
            #expect(try await s.store.blobs.listAllBlobs() == [SHA256.hexDigest(of: bytes)])
            let remaining = try await s.store.read { db in try db.fetchAll("SELECT file_id FROM attachments") { $0.text(0) } }
            for id in remaining { try await s.store.deleteAttachment(id, as: s.owner) }
            #expect(try await s.store.blobs.listAllBlobs() == [])
        }
    }

    @Test func blobPinsKeepUploadsAndRemovalsApart() {
        var pins = BlobPins()
        let (first, second) = (pins.newClaim(), pins.newClaim())
        var results: [Bool] = []
        results.append(pins.pin("a"))
        results.append(pins.pin("a"))
        results.append(pins.claimForRemoval("a", claim: first))  // false: an upload is placing it
        pins.unpin("a")
        results.append(pins.claimForRemoval("a", claim: first))  // false: the other upload still is
        pins.unpin("a")
        results.append(pins.claimForRemoval("a", claim: first))
        results.append(pins.claimForRemoval("a", claim: first))  // a job run again: still its own
        results.append(pins.claimForRemoval("a", claim: second))  // false: one removal at a time
        results.append(pins.pin("a"))  // false: an upload waits until the file is gone
        results.append(pins.pin("b"))
        pins.removed("a", claim: second)  // not its claim: nothing happens
        results.append(pins.pin("a"))
        pins.removed("a", claim: first)
        results.append(pins.pin("a"))
        #expect(results == [true, true, false, false, true, true, false, false, true, false, true])
        #expect(pins.isPinned("a") && pins.isPinned("b"))
    }

    @Test func tooLargeUploadsAreRefused() async throws {
        try await withStack { s in
            let upload = try await s.store.beginAttachment(contentType: "x/y", maxSize: 10, as: s.owner)
            let error = await storeError { try await upload.write([UInt8](repeating: 1, count: 11)) }
            #expect(error == .payloadTooLarge(limit: 10))
        }
    }

    @Test func readableByOwnerUploaderAndReadersOfARecordReferringToIt() async throws {
        try await withStack { s in
            try await s.registerType()
            let uploader = try await s.entity("uploader", create: ["note"])
            let reader = try await s.entity("reader")
            let a = try await upload(Array("secret".utf8), s, as: uploader)
            #expect(try await s.store.attachment(a.fileId, as: uploader) == a)
            #expect(try await s.store.attachment(a.fileId, as: s.owner) == a)
            #expect(await storeError { _ = try await s.store.attachment(a.fileId, as: reader) }?.isNotFound == true)
            #expect(await storeError { _ = try await s.store.attachment(a.fileId, as: nil) }?.isNotFound == true)
            // A record whose content holds the fileId, readable by `reader`, makes it readable.
            let r = try await s.store.createRecord(
                NewRecord(
                    type: "note", content: ["files": [["id": .string(a.fileId)]]],
                    permissions: [.entity(id: reader.entityId, read: true, write: false)]), as: s.owner)
            #expect(try await s.store.attachment(a.fileId, as: reader) == a)
            // A soft-deleted record no longer counts.
            try await s.store.deleteRecord(r.id, as: s.owner)
            #expect(await storeError { _ = try await s.store.attachment(a.fileId, as: reader) }?.isNotFound == true)
            // Only the owner deletes attachments.
            #expect(await storeError { try await s.store.deleteAttachment(a.fileId, as: uploader) }?.isForbidden == true)
            #expect(await storeError { try await s.store.deleteAttachment(a.fileId, as: reader) }?.isNotFound == true)
        }
    }

    @Test func uploadsNeedAPrincipalWithACreateGrant() async throws {
        try await withStack { s in
            let none = try await s.entity("none", create: [])
            #expect(await storeError { _ = try await s.store.beginAttachment(contentType: "a/b", as: none) }?.isForbidden == true)
            #expect(await storeError { _ = try await s.store.beginAttachment(contentType: "a/b", as: nil) } == .unauthorized)
        }
    }

    @Test func startupRemovesTemporaryFilesAndUnreferencedBlobs() async throws {
        let stack = try await TestStack.make()
        let kept = try await upload(Array("kept".utf8), stack)
        let path = stack.directory.path
        let sha = SHA256.hexDigest(of: Array("orphan".utf8))
        // A blob renamed into place whose row never committed, and a leftover temporary file.
        let orphanDir = path + "/blobs/" + sha.prefix(2)
        try FileManager.default.createDirectory(atPath: orphanDir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: orphanDir + "/" + sha.dropFirst(2), contents: Data("orphan".utf8))
        _ = FileManager.default.createFile(atPath: path + "/tmp/upload-123.tmp", contents: Data("partial".utf8))
        await stack.store.close()
        let reopened = try await Store.open(at: path)
        #expect(try await reopened.blobs.listAllBlobs() == [kept.sha256])
        #expect(try FileManager.default.contentsOfDirectory(atPath: path + "/tmp").isEmpty)
        await reopened.close()
        stack.directory.remove()
    }
}

@Suite struct AssociationTests {
    @Test func addIsIdempotentAndListsByDirectionAndRelation() async throws {
        try await withStack { s in
            try await s.registerType()
            let a = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            let b = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            let c = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            let first = try await s.store.addAssociation(from: a.id, relation: "links", to: b.id, as: s.owner)
            #expect(first.created)
            let again = try await s.store.addAssociation(from: a.id, relation: "links", to: b.id, as: s.owner)
            #expect(!again.created)
            #expect(again.association == first.association)
            _ = try await s.store.addAssociation(from: a.id, relation: "cites", to: c.id, as: s.owner)
            _ = try await s.store.addAssociation(from: c.id, relation: "links", to: a.id, as: s.owner)
            let out = try await s.store.associations(of: a.id, as: s.owner)
            #expect(out.results.map(\.targetId) == [c.id, b.id])  // by relation: cites, links
            let incoming = try await s.store.associations(of: a.id, direction: .in, as: s.owner)
            #expect(incoming.results.map(\.sourceId) == [c.id])
            let both = try await s.store.associations(of: a.id, direction: .both, relation: "links", as: s.owner)
            #expect(both.results.count == 2)
            // Paging one at a time visits all three links of `a` once.
            var seen: [StackStore.Association] = []
            var cursor: String?
            repeat {
                let page = try await s.store.associations(of: a.id, direction: .both, limit: 1, cursor: cursor, as: s.owner)
                seen += page.results
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == 3)
            try await s.store.removeAssociation(from: a.id, relation: "links", to: b.id, as: s.owner)
            #expect(await storeError { try await s.store.removeAssociation(from: a.id, relation: "links", to: b.id, as: s.owner) }?.isNotFound == true)
            #expect(try await s.store.associations(of: a.id, as: s.owner).results.map(\.targetId) == [c.id])
        }
    }

    @Test func needsWriteOnSourceReadOnTargetAndHidesUnreadableEnds() async throws {
        try await withStack { s in
            try await s.registerType()
            let e = try await s.entity("E", create: ["note"])
            let mine = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: e)
            let hidden = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            let visible = try await s.store.createRecord(NewRecord(type: "note", content: [:], permissions: [.public]), as: s.owner)
            #expect(await storeError { _ = try await s.store.addAssociation(from: mine.id, relation: "x", to: hidden.id, as: e) }?.isNotFound == true)
            #expect(await storeError { _ = try await s.store.addAssociation(from: visible.id, relation: "x", to: mine.id, as: e) }?.isForbidden == true)
            #expect(await storeError { _ = try await s.store.addAssociation(from: mine.id, relation: "1bad", to: visible.id, as: e) }?.isInvalidRequest == true)
            _ = try await s.store.addAssociation(from: mine.id, relation: "x", to: visible.id, as: e)
            _ = try await s.store.addAssociation(from: hidden.id, relation: "x", to: mine.id, as: s.owner)
            let both = try await s.store.associations(of: mine.id, direction: .both, as: e)
            #expect(both.results.map(\.targetId) == [visible.id])  // the link from `hidden` is left out
            #expect(try await s.store.associations(of: mine.id, direction: .both, as: s.owner).results.count == 2)
            // Listing records by association honours the same rule.
            let linked = try await s.store.listRecords(RecordListQuery(associatedWith: mine.id), as: e)
            #expect(linked.results.map(\.id) == [visible.id])
            let linkedOut = try await s.store.listRecords(RecordListQuery(associatedWith: mine.id, direction: .in), as: s.owner)
            #expect(linkedOut.results.map(\.id) == [hidden.id])
        }
    }
}
