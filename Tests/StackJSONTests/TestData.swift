import Foundation

/// Locates `../shared/testdata/` from this file's path, never from the working directory.
enum TestData {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // StackJSONTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // project
        .deletingLastPathComponent()  // parent
        .appendingPathComponent("shared/testdata")

    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }
}
