import Foundation
import StackJSON
import Testing
@testable import StackStore

@Suite struct ConcurrencyTests {
    /// The StackStore issue, item 4: 8 concurrent writers × 50 merge patches to distinct keys of one
    /// record lose no update, and versions run 1…401 with no gap.
    @Test func concurrentPatchesOfOneRecordLoseNothing() async throws {
        try await withStack(durability: .full) { s in
            try await s.registerType()
            let record = try await s.store.createRecord(NewRecord(type: "note", content: [:]), as: s.owner)
            let store = s.store
            let owner = s.owner
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for i in 0..<50 {
                            _ = try await store.patchRecord(record.id, patch: ["w\(writer)-\(i)": .int(i)], as: owner)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let final = try await store.record(record.id, as: owner)
            #expect(final.version == 401)
            #expect(final.content.objectValue?.count == 400)
            for writer in 0..<8 {
                for i in 0..<50 { #expect(final.content["w\(writer)-\(i)"] == .int(i)) }
            }
            var versions: [Int] = []
            var cursor: String?
            repeat {
                let page = try await store.versions(of: record.id, limit: 100, cursor: cursor, as: owner)
                versions += page.results.map(\.version)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(versions == Array((1...401).reversed()))
            // Each version differs from the previous one by exactly one key.
            let v200 = try await store.version(200, of: record.id, as: owner)
            #expect(v200.content.objectValue?.count == 199)
        }
    }

    @Test func concurrentCreatesAllCommit() async throws {
        try await withStack(durability: .full) { s in
            try await s.registerType()
            let store = s.store
            let owner = s.owner
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<200 {
                    group.addTask { try await store.createRecord(NewRecord(type: "note", content: ["i": .int(i)]), as: owner).id }
                }
                var ids: Set<String> = []
                for try await id in group { ids.insert(id) }
                return ids
            }
            #expect(ids.count == 200)
            let listed = try await store.listRecords(RecordListQuery(type: "note", limit: 1000), as: owner)
            #expect(Set(listed.results.map(\.id)) == ids)
        }
    }
}
