// swift-tools-version: 6.2
// A package that uses swift-process-bridge as a user's would: by path, product `Bridge`,
// plugin `BridgeGen`. `.ci/run` builds it, runs its executable and its tests; `run.sh` beside
// it builds it in every way Swift programs are shipped and starts each program shape.
import PackageDescription

let bridge = Target.Dependency.product(name: "Bridge", package: "swift-process-bridge")

let package = Package(
    name: "Consumer",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "swift-process-bridge", path: "../..")],
    targets: [
        .target(
            name: "Greeting",
            dependencies: [bridge],
            plugins: [.plugin(name: "BridgeGen", package: "swift-process-bridge")]
        ),
        .executableTarget(name: "consumer-demo", dependencies: ["Greeting"]),
        // The cross-target layout: a dedicated host executable that links the real type.
        .executableTarget(name: "greeter-host", dependencies: ["Greeting", bridge]),

        // The program shapes of the deployment matrix, each running the same checks.
        .target(name: "Probe", dependencies: ["Greeting", bridge]),
        .executableTarget(name: "probe-async-main", dependencies: ["Probe"]),
        .executableTarget(name: "probe-top-level", dependencies: ["Probe"]),
        .executableTarget(
            name: "probe-sync-main",
            dependencies: ["Probe"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        // Not a host: what start() says when given a program that does not link Bridge.
        .executableTarget(name: "plain-program"),

        // A target whose default isolation is the main actor, as an app's often is.
        .target(
            name: "MainActorDefault",
            dependencies: [bridge],
            swiftSettings: [.defaultIsolation(MainActor.self)],
            plugins: [.plugin(name: "BridgeGen", package: "swift-process-bridge")]
        ),

        // XCTest and Swift Testing, each starting hosts from the test binary itself.
        .testTarget(name: "ConsumerTests", dependencies: ["Greeting", "Probe", "MainActorDefault"]),
    ]
)
