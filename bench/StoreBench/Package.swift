// swift-tools-version:6.0
import PackageDescription

// In-process benchmark of the StackStore engine (see docs/BENCHMARKS.md, "## StackStore").
// Run from this folder: swift run -c release StoreBench [--records N] [--data DIR]
let package = Package(
    name: "StoreBench",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "stack", path: "../..")],
    targets: [
        .executableTarget(
            name: "StoreBench",
            dependencies: [.product(name: "StackStore", package: "stack"), .product(name: "StackJSON", package: "stack")]
        )
    ],
    swiftLanguageModes: [.v6]
)
