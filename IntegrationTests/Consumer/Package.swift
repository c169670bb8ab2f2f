// swift-tools-version: 6.0
// A package that uses swift-process-bridge as a user's would: by path, product `Bridge`,
// plugin `BridgeGen`. `.ci/run` builds it, runs its executable and its tests.
import PackageDescription

let package = Package(
    name: "Consumer",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "swift-process-bridge", path: "../..")],
    targets: [
        .target(
            name: "Greeting",
            dependencies: [.product(name: "Bridge", package: "swift-process-bridge")],
            plugins: [.plugin(name: "BridgeGen", package: "swift-process-bridge")]
        ),
        .executableTarget(name: "consumer-demo", dependencies: ["Greeting"]),
        .executableTarget(
            name: "greeter-host",
            dependencies: ["Greeting", .product(name: "Bridge", package: "swift-process-bridge")]
        ),
        .testTarget(name: "ConsumerTests", dependencies: ["Greeting"]),
    ]
)
