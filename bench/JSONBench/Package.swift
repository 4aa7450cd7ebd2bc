// swift-tools-version:6.0
// StackJSON benchmark: `swift build -c release && .build/release/JSONBench` (see docs/BENCHMARKS.md).
// A separate package so `swift test` at the root never builds or runs it.
import PackageDescription

let package = Package(
    name: "JSONBench",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "stack", path: "../..")],
    targets: [
        .executableTarget(
            name: "JSONBench",
            dependencies: [.product(name: "StackJSON", package: "stack")]
        )
    ],
    swiftLanguageModes: [.v6]
)
