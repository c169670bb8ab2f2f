// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "swift-process-bridge",
    platforms: [.macOS(.v15)],
    products: [
        // `BridgeHost` rides along in the product: a binary that imports `Bridge` can always be
        // started again as a host, with no code in its `main`.
        .library(name: "Bridge", targets: ["Bridge", "BridgeHost"]),
        .plugin(name: "BridgeGen", targets: ["BridgeGen"]),
    ],
    targets: [
        // The few C calls Swift cannot make (prctl, closefrom in posix_spawn, environ) and the
        // constructor that turns a started-again binary into a host before `main`.
        .target(name: "CBridge"),
        .target(name: "Bridge", dependencies: ["CBridge"]),
        .target(name: "BridgeHost", dependencies: ["Bridge", "CBridge"]),

        // The generator: a library (so tests can call it) and a thin executable for the plugin.
        .target(name: "BridgeGeneratorCore"),
        .executableTarget(name: "BridgeGenerator", dependencies: ["BridgeGeneratorCore"]),
        .plugin(name: "BridgeGen", capability: .buildTool(), dependencies: ["BridgeGenerator"]),

        .executableTarget(
            name: "isolate-cwd",
            dependencies: ["Bridge", "BridgeHost"],
            path: "Examples/IsolateWorkingDirectory",
            plugins: ["BridgeGen"]
        ),

        .executableTarget(
            name: "bridge-bench",
            dependencies: ["Bridge", "BridgeHost"],
            path: "Benchmarks/BridgeBench",
            plugins: ["BridgeGen"]
        ),

        // Times the generator over a synthetic 200-file target: `swift run -c release generator-bench`.
        .executableTarget(
            name: "generator-bench",
            dependencies: ["BridgeGeneratorCore"],
            path: "Benchmarks/GeneratorBench"
        ),

        .testTarget(
            name: "BridgeTests",
            dependencies: ["Bridge", "BridgeHost"],
            plugins: ["BridgeGen"]
        ),
        .testTarget(name: "BridgeGeneratorTests", dependencies: ["BridgeGeneratorCore"]),
        .testTarget(name: "BridgeCodecTests", dependencies: ["Bridge"]),
    ]
)
