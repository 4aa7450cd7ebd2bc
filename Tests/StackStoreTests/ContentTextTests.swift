import Foundation
import StackJSON
import Testing
import StackTesting
@testable import StackStore

/// The text the full-text index holds for a content (``ContentText``).
@Suite struct ContentTextTests {
    static let contents: [String] = [
        #"{"title":"Hello","n":3,"ok":true,"none":null}"#,
        #"{"a":{"b":["x",1,{"c":"y"}],"d":"z"},"e":[["deep"]],"f":"last"}"#,
        #"{"esc":"tab\there \"quoted\" \u00e9t\u00e9 \ud83d\ude00","key words":"value"}"#,
        #"{}"#,
        #"{"numbers":[1,2.5,-3e2],"flags":[true,false,null]}"#,
        #"{"empty":"","next":"after empty"}"#,
    ]

    @Test func stringValuesInDocumentOrderWithoutKeys() throws {
        #expect(ContentText.text(of: try JSON(parsing: Self.contents[0])) == "Hello")
        #expect(ContentText.text(of: try JSON(parsing: Self.contents[1])) == "x y z deep last")
        #expect(ContentText.text(of: try JSON(parsing: Self.contents[2])) == "tab\there \"quoted\" été 😀 value")
        #expect(ContentText.text(of: try JSON(parsing: Self.contents[3])) == "")
        #expect(ContentText.text(of: try JSON(parsing: Self.contents[4])) == "")
        #expect(ContentText.text(of: try JSON(parsing: Self.contents[5])) == " after empty")
        // Whole, NUL included (SQLite 3.40's json_tree cut such a string at the NUL).
        #expect(ContentText.text(of: try JSON(parsing: #"{"a":"before\u0000after","b":"next"}"#)) == "before\u{0}after next")
    }

    /// The SQL function gives what SQLite's own walk of the JSON (`json_tree`, which the index
    /// used before) gives, NULL for NULL, and an error for text that is not JSON.
    @Test func sqlFunctionMatchesSQLitesWalk() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.path + "/text.db", mode: .create)
        defer { db.close() }
        try ContentText.register(on: db)
        for content in Self.contents {
            let ours = try db.fetchOne("SELECT stack_content_text(?)", [content]) { $0.text(0) }
            let sqlite = try db.fetchOne(
                "SELECT coalesce((SELECT group_concat(t.value, ' ') FROM json_tree(?) t WHERE t.type = 'text'), '')", [content]
            ) { $0.text(0) }
            #expect(ours == sqlite, "\(content)")
        }
        #expect(try db.fetchOne("SELECT stack_content_text(NULL) IS NULL") { $0.int(0) } == 1)
        #expect(throws: DatabaseError.self) { try db.fetchOne("SELECT stack_content_text('{not json')") { $0.text(0) } }
    }
}
