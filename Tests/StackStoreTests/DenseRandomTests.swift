import Foundation
import StackJSON
import StackTesting
import Testing

@testable import StackStore

/// Searches with `q` against the plan that reads the whole set of matches, over random data (dense,
/// clustered and rare words; content values of every JSON type, missing and null; two types;
/// private, patched and deleted records), random sorts, limits, callers, filters and cursors, and
/// random tunings of the dense-match walk (so that every way out of it is taken). `SEED` and
/// `ITER` in the environment repeat or lengthen a run.
@Suite struct DenseRandomTests {
    @Test func randomSearchesMatchThePlanThatReadsEveryMatch() async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["SEED"] ?? "1") ?? 1
        var rng = SplitMix64(seed: seed)
        let s = try await TestStack.make()
        try await s.registerType("note")
        try await s.registerType("other")
        let e = try await s.entity("E")
        var ids: [String] = []
        let total = 7000
        for start in stride(from: 0, to: total, by: 700) {
            let batch = (start..<start + 700).map { i -> NewRecord in
                var words: [String] = []
                // alpha: dense but clustered off in a band; beta: ~40%; gamma: rare
                if (i / 500) % 3 != 1 || Int.random(in: 0..<10, using: &rng) == 0 { words.append("alpha") }
                if Int.random(in: 0..<10, using: &rng) < 4 { words.append("beta") }
                if Int.random(in: 0..<100, using: &rng) == 0 { words.append("gamma") }
                if words.isEmpty { words.append("zzz") }
                var content: JSONObject = ["text": .string(words.joined(separator: " "))]
                switch Int.random(in: 0..<8, using: &rng) {
                case 0: break  // missing
                case 1: content["n"] = .null
                case 2: content["n"] = .bool(Bool.random(using: &rng))
                case 3, 4: content["n"] = .int(Int.random(in: 0..<5, using: &rng))
                case 5: content["n"] = .double(Double(Int.random(in: 0..<5, using: &rng)) + 0.5)
                case 6: content["n"] = .string(["a", "b", "c"].randomElement(using: &rng)!)
                default: content["n"] = .array([.int(Int.random(in: 0..<2, using: &rng))])
                }
                if Bool.random(using: &rng) { content["s"] = .string(["x", "y"].randomElement(using: &rng)!) }
                let perms: [Grant] = Int.random(in: 0..<10, using: &rng) < 8 ? [.public] : []
                return NewRecord(type: Int.random(in: 0..<10, using: &rng) == 0 ? "other" : "note", content: .object(content), permissions: perms)
            }
            ids += try await s.store.createRecords(batch, as: s.owner).map(\.id)
        }
        for _ in 0..<150 {
            let id = ids.randomElement(using: &rng)!
            _ = try? await s.store.patchRecord(id, patch: ["s": "z"], as: s.owner)
        }
        for _ in 0..<150 {
            let id = ids.randomElement(using: &rng)!
            try? await s.store.deleteRecord(id, as: s.owner)
        }
        try await s.store.bringFullTextIndexUpToDate()
        let fields: [FilterField] = [.createdAt, .updatedAt, .id, FilterField("content.n")!, FilterField("content.s")!, .version, .type]
        var failures = 0
        let iterations = Int(ProcessInfo.processInfo.environment["ITER"] ?? "150") ?? 150
        for iteration in 0..<iterations {
            var walk = Store.DenseWalk()
            walk.chunkLimit = [1, 2, 8, 20].randomElement(using: &rng)!
            let lo = [1, 3, 16, 128].randomElement(using: &rng)!
            walk.chunkSizes = lo...(lo * [1, 2, 32].randomElement(using: &rng)!)
            walk.minimumShare = [0, 0.01, 0.05, 0.3, 0.9].randomElement(using: &rng)!
            walk.maximumSpread = [1, 2, 64, 1_000_000].randomElement(using: &rng)!
            var sort: [QuerySortKey] = []
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let f = fields.randomElement(using: &rng)!
                if !sort.contains(where: { $0.field == f }) { sort.append(QuerySortKey(f, descending: Bool.random(using: &rng))) }
            }
            let text = ["alpha", "beta", "alpha beta", "gamma", "alpha OR beta"].randomElement(using: &rng)!
            let principal: Principal = Bool.random(using: &rng) ? s.owner : e
            let includeDeleted = Int.random(in: 0..<4, using: &rng) == 0
            let types: [String]? = [nil, ["note"], ["note", "other"]].randomElement(using: &rng)!
            let filter: RecordFilter? = [nil, .condition(FilterField("content.s")!, .ne, .string("y"))].randomElement(using: &rng)!
            let limit = [1, 2, 7, 50, 300].randomElement(using: &rng)!
            var query = RecordQuery(types: types, filter: filter, text: text, sort: sort, limit: limit, includeDeleted: includeDeleted)
            // Expected: the whole ordered set by the set plan, no limit.
            let compiled = try s.store.compile(query, as: principal)
            let readable = AccessRules.readableRids(by: principal)
            let expected: [String] = try await s.store.read { db in
                var cond = try compiled.condition(db)
                if let readable { cond = QueryCompiler.join([cond, SQLFragment("r.rid IN (\(readable.sql))", readable.arguments)], with: "AND") }
                return try db.fetchAll(
                    "\(compiled.select.sql) records r WHERE \(cond.sql) \(compiled.tail)",
                    compiled.select.arguments + cond.arguments + [.integer(-1)]
                ) { try Store.decodeQueryRow($0, keyCount: compiled.keyCount).record.id }
            }
            var got: [String] = []
            let pages = Int.random(in: 1...4, using: &rng)
            var cursor: String?
            var more = false
            for _ in 0..<pages {
                query.cursor = cursor
                let page = try await s.store.queryRecords(query, as: principal, denseWalk: walk)
                got += page.results.map(\.id)
                cursor = page.nextCursor
                more = cursor != nil
                if cursor == nil { break }
            }
            let want = Array(expected.prefix(got.count))
            let wantMore = expected.count > got.count
            if got != want || more != wantMore || (got.count < min(expected.count, pages * limit)) {
                failures += 1
                let firstDiff = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                Issue.record(
                    "iteration \(iteration), seed \(seed): q=\(text) sort=\(sort) limit=\(limit) owner=\(principal.isOwner) includeDeleted=\(includeDeleted) types=\(String(describing: types)) filter=\(filter != nil) walk=\(walk) got=\(got.count) expected=\(expected.count) firstDifference=\(String(describing: firstDiff)) more=\(more)/\(wantMore)")
            }
        }
        #expect(failures == 0)
        await s.close()
    }
}
