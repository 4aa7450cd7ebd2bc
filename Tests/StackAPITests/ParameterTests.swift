import StackJSON
import Testing

@testable import StackAPI

@Suite struct ParameterTests {
    private func parameters(_ query: String, supportsQuery: Bool = false) throws(Problem) -> RecordListParameters {
        try RecordListParameters(QueryString(parsing: Substring(query)), supportsQuery: supportsQuery)
    }

    private func problem(_ query: String, supportsQuery: Bool = false) -> Problem? {
        do {
            _ = try parameters(query, supportsQuery: supportsQuery)
            return nil
        } catch {
            return error
        }
    }

    @Test func queryString_decodesPercentEscapesAndPlus() throws {
        let query = try QueryString(parsing: "a=x%20y+z&b=%E2%9C%93&c&a=2")
        #expect(query.value("a") == "2")
        #expect(query.values("a") == ["x y z", "2"])
        #expect(query.value("b") == "✓")
        #expect(query.value("c") == "")
        #expect(try QueryString.split(target: "/records?limit=5").path == "/records")
        #expect(try QueryString.split(target: "/records?limit=5").query.value("limit") == "5")
    }

    @Test func queryString_rejectsBrokenEscapesAndInvalidUTF8() {
        #expect(throws: Problem.self) { try QueryString(parsing: "a=%zz") }
        #expect(throws: Problem.self) { try QueryString(parsing: "a=%4") }
        #expect(throws: Problem.self) { try QueryString(parsing: "a=%ff") }
    }

    @Test func defaults_whenNoParameters() throws {
        let p = try parameters("")
        #expect(p.limit == 50)
        #expect(p.sort == .createdAtDescending)
        #expect(p.direction == .both)
        #expect(!p.includeDeleted)
        #expect(p.cursor == nil)
    }

    @Test func readsEveryKnownParameter() throws {
        let p = try parameters(
            "type=note&createdBy=e1&updatedAfter=2026-11-22T10:00:00Z&associatedWith=r1&relation=cites&direction=in"
                + "&sort=updatedAt&limit=1000&cursor=abc&includeDeleted=true")
        #expect(p.type == "note")
        #expect(p.createdBy == "e1")
        #expect(p.updatedAfter == 1_795_341_600_000)
        #expect(p.associatedWith == "r1")
        #expect(p.relation == "cites")
        #expect(p.direction == .incoming)
        #expect(p.sort == .updatedAtAscending)
        #expect(p.limit == 1000)
        #expect(p.cursor == "abc")
        #expect(p.includeDeleted)
    }

    @Test func badValues_are400_namingTheParameter() {
        let cases = [
            ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=ten", "limit"), ("limit=-1", "limit"),
            ("sort=title", "sort"), ("includeDeleted=yes", "includeDeleted"), ("updatedAfter=yesterday", "updatedAfter"),
            ("associatedWith=r&direction=sideways", "direction"), ("type=", "type"),
            ("colour=red", "colour"), ("limit=5&limit=6", "limit"), ("relation=cites", "associatedWith"),
        ]
        for (query, name) in cases {
            let problem = problem(query)
            #expect(problem?.status == 400, "\(query)")
            #expect(problem?.detail.contains(name) == true, "\(query): \(problem?.detail ?? "accepted")")
        }
    }

    @Test func contentFiltersAndSearch_areRefusedUntilTheQueryCapabilityIsLive() {
        #expect(problem("q=milk")?.status == 400)
        #expect(problem("content.status=open")?.status == 400)
    }

    @Test func contentFilterValues_areJSONLiteralsWhenTheyAreOne() throws {
        let p = try parameters(
            "content.priority=5&content.done=true&content.due.date=null&content.title=%22x%22&content.status=open"
                + "&content.tags=[1]",
            supportsQuery: true)
        #expect(p.contentFilters.map(\.path) == [["priority"], ["done"], ["due", "date"], ["title"], ["status"], ["tags"]])
        #expect(p.contentFilters.map(\.value) == [5, true, .null, "x", "open", "[1]"])
        #expect(problem("content.=1", supportsQuery: true)?.status == 400)
        #expect(problem("content.a..b=1", supportsQuery: true)?.status == 400)
    }

    @Test func limitAndBooleanHelpers() throws {
        #expect(try ParameterValidation.limit(nil) == 50)
        #expect(try ParameterValidation.limit("1") == 1)
        #expect(throws: Problem.self) { try ParameterValidation.limit("+5") }
        #expect(try ParameterValidation.boolean("hard", "false") == false)
        #expect(throws: Problem.self) { try ParameterValidation.boolean("hard", "1") }
    }
}
