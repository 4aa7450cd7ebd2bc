import StackJSON
import StackStore
import Testing

@testable import StackAPI

/// The direct record writer must give exactly the bytes the `JSON` path gives, so switching a route
/// to it changes nothing a client can see.
@Suite struct RecordJSONTests {
    static let contents: [JSON] = [
        [:],
        ["title": "Milk"],
        ["title": "Grüße, 東京 🚀 \u{0} \u{1F} \"quoted\" back\\slash / tab\t line\nbreak \u{7F} \u{2028}"],
        [
            "nested": ["a": [1, 2.5, -0.0, 1e300, ["deep": [[], [:], .null]]], "b": true, "c": false],
            "numbers": [0, -1, 9_007_199_254_740_993, 0.1, -2.5e-8, 123456789.125],
            "key with \"quotes\" and é": "value",
        ],
    ]

    static let grants: [[Grant]?] = [
        nil, [], [.public],
        [.entity(id: "e1", read: true, write: false), .group(id: "g-1", read: true, write: true), .public],
    ]

    static let times: [Int64] = [0, 1, 999, 1_763_805_600_123, -1, -86_400_001, 253_402_300_799_999, 253_402_300_800_000, -62_167_219_200_000]

    @Test func records_renderExactlyAsTheirJSONSerializes() {
        var count = 0
        for content in Self.contents {
            for permissions in Self.grants {
                for (index, time) in Self.times.enumerated() {
                    let record = Record(
                        id: index.isMultiple(of: 2) ? "r00001" : "odd\"id\\é", type: "bench.note", content: content,
                        version: index * 1000 + 1, createdAt: Timestamp(milliseconds: time),
                        updatedAt: Timestamp(milliseconds: time &+ 61_000), createdBy: "01JD-entity",
                        deletedAt: index.isMultiple(of: 3) ? nil : Timestamp(milliseconds: time), permissions: permissions)
                    #expect(RecordJSON.render(record) == record.json.serialized(), "\(record)")
                    count += 1
                }
            }
        }
        #expect(count == Self.contents.count * Self.grants.count * Self.times.count)
    }

    @Test func pages_renderExactlyAsListBodySerializes() {
        let records = Self.contents.enumerated().map { index, content in
            Record(
                id: "r\(index)", type: "note", content: content, version: 1, createdAt: Timestamp(milliseconds: 5),
                updatedAt: Timestamp(milliseconds: 6), createdBy: "e", deletedAt: nil, permissions: index == 0 ? nil : [])
        }
        for cursor in [nil, "eyJrIjpbMSwyXX0", "needs \"escaping\""] {
            for slice in [[], Array(records.prefix(1)), records] {
                let expected = ListBody.json(slice.map(\.json), nextCursor: cursor).serialized()
                #expect(RecordJSON.renderPage(slice, nextCursor: cursor) == expected)
            }
        }
    }

    @Test func integers_andStrings_matchTheSerializer() {
        for value in [0, 7, 10, 99, 1_000_000, Int.max, -1, Int.min] {
            var out: [UInt8] = []
            RecordJSON.appendInt(value, to: &out)
            #expect(out == JSON.int(value).serialized())
        }
        for text in ["", "plain", "é", "\u{0}", "a\"b", "a\\b", "\u{1F}", "🚀"] {
            var out: [UInt8] = []
            RecordJSON.appendString(text, to: &out)
            #expect(out == JSON.string(text).serialized())
        }
    }

    /// `GET /records/:id` reads the stored JSON text and splices it; it must answer the same bytes
    /// the parsed record gives, for every caller, with `permissions` shown or hidden per SPEC §4.
    @Test func storedRecords_renderAsTheParsedRecordDoes() async throws {
        try await withStack { stack in
            let store = stack.store
            try await stack.registerNoteType()
            let creator = try await stack.makeEntity("creator", create: ["note"])
            let reader = try await stack.makeEntity("reader")
            let owner = store.ownerPrincipal
            let creatorPrincipal = try #require(try await store.authenticate(secret: creator.token))
            let readerPrincipal = try #require(try await store.authenticate(secret: reader.token))
            var ids: [String] = []
            for (index, content) in Self.contents.enumerated() {
                var object = content.objectValue ?? [:]
                object["title"] = .string("note \(index) — ünïcødé \u{1}")
                let record = try await store.createRecord(
                    NewRecord(
                        type: "note", content: .object(object),
                        permissions: [.entity(id: reader.id, read: true, write: false), .public]),
                    as: owner)
                ids.append(record.id)
            }
            let own = try await store.createRecord(NewRecord(type: "note", content: ["title": "mine \"x\""]), as: creatorPrincipal)
            _ = try await store.setPermissions([.entity(id: reader.id, read: true, write: false)], of: own.id, as: owner)
            ids.append(own.id)
            _ = try await store.patchRecord(ids[1], patch: ["done": true, "title": "patched ✓"], as: owner)
            try await store.deleteRecord(ids[2], as: owner)

            for id in ids {
                for principal in [owner, creatorPrincipal, readerPrincipal, nil] as [Principal?] {
                    for includeDeleted in [false, true] {
                        let parsed: Record
                        do {
                            parsed = try await store.record(id, includeDeleted: includeDeleted, as: principal)
                        } catch let error as StoreError {
                            await #expect(throws: error) {
                                try await store.storedRecord(id, includeDeleted: includeDeleted, as: principal)
                            }
                            continue
                        }
                        let stored = try await store.storedRecord(id, includeDeleted: includeDeleted, as: principal)
                        #expect((stored.permissionsJSON == nil) == (parsed.permissions == nil))
                        #expect(RecordJSON.render(stored) == parsed.json.serialized(), "\(id) as \(principal?.entityId ?? "anonymous")")
                    }
                }
            }
            // And over the API: the creator sees its grants, the reader does not.
            let asCreator = try await stack.send("GET", "/records/\(own.id)", token: creator.token)
            #expect(asCreator.json["permissions"] == [["access": "entity", "entityId": .string(reader.id), "read": true, "write": false]])
            let asReader = try await stack.send("GET", "/records/\(own.id)", token: reader.token)
            #expect(asReader.status == 200)
            #expect(asReader.json["permissions"] == nil)
            #expect(asReader.body == (try await store.record(own.id, as: readerPrincipal)).json.serialized())
        }
    }
}
