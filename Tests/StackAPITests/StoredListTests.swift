import StackJSON
import StackStore
import Testing

@testable import StackAPI

/// `GET /records` reads pages with `Store.listStoredRecords` (stored JSON text, spliced) instead of
/// `Store.listRecords` (parsed records): both must give the same pages, cursors and errors, and
/// the same bytes once rendered, for every caller and every list parameter.
@Suite struct StoredListTests {
    @Test func storedPages_matchParsedPages_forEveryParameterAndCaller() async throws {
        try await withStack { stack in
            let store = stack.store
            try await stack.registerNoteType()
            let owner = store.ownerPrincipal
            let creator = try await stack.makeEntity("creator", create: ["note"])
            let reader = try await stack.makeEntity("reader")
            let creatorPrincipal = try #require(try await store.authenticate(secret: creator.token))
            let readerPrincipal = try #require(try await store.authenticate(secret: reader.token))
            var ids: [String] = []
            for index in 0..<14 {
                let grants: [Grant]? =
                    switch index % 4 {
                    case 0: [.public]
                    case 1: [.entity(id: reader.id, read: true, write: false)]
                    case 2: []
                    default: nil
                    }
                let content: JSON = ["title": .string("n\(index) é \u{1} \"q\""), "done": .bool(index.isMultiple(of: 3))]
                let record =
                    index.isMultiple(of: 5)
                    ? try await store.createRecord(NewRecord(type: "note", content: content), as: creatorPrincipal)
                    : try await store.createRecord(NewRecord(type: "note", content: content, permissions: grants), as: owner)
                ids.append(record.id)
            }
            _ = try await store.setPermissions([.entity(id: reader.id, read: true, write: false)], of: ids[5], as: owner)
            _ = try await store.patchRecord(ids[3], patch: ["done": true], as: owner)
            try await store.deleteRecord(ids[4], as: owner)
            _ = try await store.addAssociation(from: ids[1], relation: "links", to: ids[2], as: owner)
            _ = try await store.addAssociation(from: ids[6], relation: "other", to: ids[1], as: owner)
            let middle = try await store.record(ids[7], as: owner).updatedAt

            var queries: [RecordListQuery] = []
            for sort in RecordSort.allCases {
                for limit in [1, 3, 50] {
                    queries.append(RecordListQuery(sort: sort, limit: limit))
                    queries.append(RecordListQuery(sort: sort, limit: limit, includeDeleted: true))
                }
            }
            queries += [
                RecordListQuery(type: "note", limit: 4), RecordListQuery(type: "entity"), RecordListQuery(type: "nope"),
                RecordListQuery(createdBy: creator.id, limit: 2), RecordListQuery(updatedAfter: middle, limit: 2),
                RecordListQuery(associatedWith: ids[1]), RecordListQuery(associatedWith: ids[1], relation: "links"),
                RecordListQuery(associatedWith: ids[1], direction: .out), RecordListQuery(associatedWith: ids[1], direction: .in),
                RecordListQuery(associatedWith: ids[1], relation: "bad relation!"), RecordListQuery(limit: 0),
                RecordListQuery(limit: 1001), RecordListQuery(cursor: "not-a-cursor"),
            ]
            var pagesCompared = 0
            for principal in [owner, creatorPrincipal, readerPrincipal, nil] as [Principal?] {
                for first in queries {
                    var query = first
                    // Walk every page through the parsed path's cursors, comparing each.
                    for _ in 0..<20 {
                        let parsed: Page<Record>
                        do {
                            parsed = try await store.listRecords(query, as: principal)
                        } catch let error as StoreError {
                            await #expect(throws: error) { try await store.listStoredRecords(query, as: principal) }
                            break
                        }
                        let stored = try await store.listStoredRecords(query, as: principal)
                        #expect(stored.results.map(\.id) == parsed.results.map(\.id))
                        #expect(stored.nextCursor == parsed.nextCursor)
                        #expect(
                            RecordJSON.renderPage(stored.results, nextCursor: stored.nextCursor)
                                == ListBody.json(parsed.results.map(\.json), nextCursor: parsed.nextCursor).serialized())
                        pagesCompared += 1
                        guard let next = parsed.nextCursor else { break }
                        query.cursor = next
                    }
                }
            }
            #expect(pagesCompared > 200)
            // Over the API the list shows grants to the owner and creators only.
            let asReader = try await stack.send("GET", "/records?type=note", token: reader.token)
            #expect(asReader.status == 200)
            #expect(asReader.json["results"]?.arrayValue?.allSatisfy { $0["permissions"] == nil } == true)
            let asOwner = try await stack.send("GET", "/records?type=note", token: stack.ownerToken)
            #expect(asOwner.json["results"]?.arrayValue?.allSatisfy { $0["permissions"] != nil } == true)
        }
    }
}
