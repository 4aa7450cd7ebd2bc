// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "stack",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stack", targets: ["stack"]),
        .library(name: "StackJSON", targets: ["StackJSON"]),
        .library(name: "StackStore", targets: ["StackStore"]),
        .library(name: "StackHTTP", targets: ["StackHTTP"]),
        .library(name: "StackAPI", targets: ["StackAPI"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .systemLibrary(name: "CSystem"),
        .target(
            name: "StackJSON",
            swiftSettings: swiftSettings,
            linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]
        ),
        .target(
            name: "StackStore",
            dependencies: ["CSQLite", "StackJSON"],
            swiftSettings: swiftSettings,
            plugins: ["EmbedBuiltInTypes"]
        ),
        // Embeds the top-level types/*.json into StackStore at build time (BuiltInTypes).
        .plugin(name: "EmbedBuiltInTypes", capability: .buildTool(), dependencies: ["EmbedTypesTool"]),
        .executableTarget(name: "EmbedTypesTool", path: "Plugins/EmbedTypesTool", swiftSettings: swiftSettings),
        .target(name: "StackHTTP", dependencies: ["CSystem"], swiftSettings: swiftSettings),
        .target(
            name: "StackAPI",
            dependencies: ["StackJSON", "StackStore", "StackHTTP"],
            // The OpenAPI document is compiled into the binary (no Bundle, no file lookup at run time),
            // so GET /openapi.json works wherever the executable is copied.
            resources: [.embedInCode("OpenAPI/openapi.json")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "stack",
            dependencies: ["StackAPI", "StackStore", "StackHTTP", "StackJSON"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "StackJSONTests", dependencies: ["StackJSON", "StackTesting"], swiftSettings: swiftSettings),
        // Test support shared by the test targets (child processes without Foundation's Process).
        .target(name: "StackTesting", path: "Tests/StackTesting", swiftSettings: swiftSettings),
        .testTarget(
            name: "StackStoreTests", dependencies: ["StackStore", "StackJSON", "StackTesting"], swiftSettings: swiftSettings
        ),
        .testTarget(name: "StackHTTPTests", dependencies: ["StackHTTP"], swiftSettings: swiftSettings),
        .testTarget(
            name: "StackAPITests",
            // `stack` too: the command-line parser is tested in-process with `@testable import stack`.
            dependencies: ["StackAPI", "StackStore", "StackHTTP", "StackJSON", "stack", "StackTesting"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
