// swift-tools-version:6.2
import PackageDescription

// The same distributed actor on one machine (`BridgeActorSystem`: the actor in a host process)
// and on a cluster (`ClusterSystem` from swift-distributed-actors: the actor on a node). Not
// built by the project's tests or CI: it fetches swift-distributed-actors and its dependencies
// from GitHub. See README.md.
let package = Package(
    name: "ClusterExample",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-process-bridge", path: "../.."),
        .package(url: "https://github.com/apple/swift-distributed-actors", branch: "main"),
    ],
    targets: [
        // Each target holds the same `Indexer.swift` (a link to `Shared/Indexer.swift`) and its
        // own `System.swift`, whose one line picks the actor system.
        .executableTarget(
            name: "OneMachine",
            dependencies: [.product(name: "Bridge", package: "swift-process-bridge")],
            plugins: [.plugin(name: "BridgeGen", package: "swift-process-bridge")]),
        .executableTarget(
            name: "Cluster",
            dependencies: [.product(name: "DistributedCluster", package: "swift-distributed-actors")]),
    ]
)
