import Foundation
import StackJSON
import Testing

@testable import StackStore

/// Searches for a word in very many records (``Store/CompiledQuery/TextPlan/many``): the page
/// is found by walking the sort order in chunks (``Store/walkDenseMatches``), and must be exactly
/// the page the set of all matches gives.
@Suite struct DenseSearchTests {
    /// 25,000 records, oldest first: every one holds "common", those whose number is a multiple
    /// of 7 hold "seventh", the 20,000 oldest hold "old", and "mixed" is in those and in every
    /// tenth of the others. All are public.
    static let count = 25_000

    private func stack() async throws -> (TestStack, [String]) {
        let s = try await TestStack.make()
        try await s.registerType("note")
        var ids: [String] = []
        for start in stride(from: 0, to: Self.count, by: 5000) {
            let batch = (start..<start + 5000).map { i -> NewRecord in
                var words = ["common", "n\(i)"]
                if i % 7 == 0 { words.append("seventh") }
                if i < 20_000 { words.append("old") }
                if i < 20_000 || i % 10 == 0 { words.append("mixed") }
                return NewRecord(
                    type: "note", content: ["text": .string(words.joined(separator: " ")), "n": .int(i % 1000)], permissions: [.public])
            }
            ids += try await s.store.createRecords(batch, as: s.owner).map(\.id)
        }
        return (s, ids)
    }

    /// Pages of `text` in `sort`, as `principal`, up to `pages` pages.
    private func pages(
        _ s: TestStack, _ text: String, sort: RecordSort = .createdAtDescending, limit: Int, pages: Int, as principal: Principal
    ) async throws -> [String] {
        var ids: [String] = []
        var cursor: String?
        for _ in 0..<pages {
            let page = try await s.store.queryRecords(
                RecordQuery(list: RecordListQuery(type: "note", sort: sort, limit: limit, cursor: cursor), text: text), as: principal)
            ids += page.results.map(\.id)
            guard let next = page.nextCursor else { break }
            cursor = next
        }
        return ids
    }

    @Test func pagesOfAWordInManyRecordsAreExact() async throws {
        let (s, ids) = try await stack()
        do {
            try await check(s, ids)
        } catch {
            await s.close()
            throw error
        }
        await s.close()
    }

    private func check(_ s: TestStack, _ ids: [String]) async throws {
        try await s.store.bringFullTextIndexUpToDate()
        let plan = try await s.store.read { db in
            try s.store.compile(
                RecordQuery(list: RecordListQuery(type: "note"), text: "common"), as: s.owner
            ).textPlan(db)
        }
        #expect(plan == .many)
        // Records made in one `createRecords` share their time: ties go by creation order.
        let newestFirst = Array(ids.reversed())
        // A word in every record: one chunk per page.
        #expect(try await pages(s, "common", limit: 100, pages: 3, as: s.owner) == Array(newestFirst.prefix(300)))
        #expect(try await pages(s, "common", sort: .createdAt, limit: 100, pages: 2, as: s.owner) == Array(ids.prefix(200)))
        // Two words: the matches of both (one in 7: the walk sizes its second chunk to finish).
        let sevenths = newestFirst.enumerated().filter { (Self.count - 1 - $0.offset) % 7 == 0 }.map(\.element)
        #expect(try await pages(s, "common seventh", limit: 50, pages: 2, as: s.owner) == Array(sevenths.prefix(100)))
        // Many matches, none among the 5,000 newest: the walk (8 chunks of 512) hands over to the
        // set of matches.
        let old = Array(ids.prefix(20_000).reversed())
        #expect(try await pages(s, "old", limit: 50, pages: 2, as: s.owner) == Array(old.prefix(100)))
        // Matches sparser among the newest: the walk sizes its next chunks from the share so far.
        let mixed = newestFirst.enumerated().filter { ($0.offset >= 5000) || (Self.count - 1 - $0.offset) % 10 == 0 }.map(\.element)
        #expect(try await pages(s, "mixed", limit: 50, pages: 3, as: s.owner) == Array(mixed.prefix(150)))
        #expect(try await pages(s, "mixed", limit: 400, pages: 2, as: s.owner) == Array(mixed.prefix(800)))
        // Sorted by a content value (`n` = number mod 1000, ties by creation): the chunks' row
        // id ranges are wide, the pages still exact.
        var byN: [String] = []
        for n in 0..<1000 { for i in stride(from: n, to: Self.count, by: 1000) { byN.append(ids[i]) } }
        var cursor: String?
        var sortedPages: [String] = []
        for _ in 0..<2 {
            let page = try await s.store.queryRecords(
                RecordQuery(types: ["note"], text: "mixed", sort: [QuerySortKey(FilterField("content.n")!)], limit: 40, cursor: cursor),
                as: s.owner)
            sortedPages += page.results.map(\.id)
            cursor = page.nextCursor
        }
        let mixedSet = Set(mixed)
        #expect(sortedPages == Array(byN.filter { mixedSet.contains($0) }.prefix(80)))
        // Through the permission filter of an entity that may read every record (they are public).
        let e = try await s.entity("E")
        #expect(try await pages(s, "common", limit: 60, pages: 2, as: e) == Array(newestFirst.prefix(120)))
        #expect(try await pages(s, "old", limit: 60, pages: 1, as: e) == Array(old.prefix(60)))
    }
}
