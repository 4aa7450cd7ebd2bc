// swift-tools-version:6.0
// Bench-only peer: the same two endpoints as bench/HTTPBench/main.swift, served by Hummingbird,
// so bench/HTTPBench/run.sh can measure both in one run. Never a dependency of the product.
import PackageDescription

let package = Package(
    name: "HBBench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1")
    ],
    targets: [
        .executableTarget(name: "HBBench", dependencies: [.product(name: "Hummingbird", package: "hummingbird")])
    ]
)
