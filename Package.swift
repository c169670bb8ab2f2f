// swift-tools-version: 6.2
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

        // The benchmark's C helpers: CPU pinning, and malloc replaced (in the benchmark binary only)
        // to count allocations per call.
        .target(name: "CBenchSupport", path: "Benchmarks/CBenchSupport"),
        .executableTarget(
            name: "drop-privileges",
            dependencies: ["Bridge", "BridgeHost"],
            path: "Examples/DropPrivileges",
            plugins: ["BridgeGen"]
        ),
        .executableTarget(
            name: "privilege-separation",
            dependencies: ["Bridge", "BridgeHost"],
            path: "Examples/PrivilegeSeparation",
            exclude: ["README.md"],
            plugins: ["BridgeGen"]
        ),
        .executableTarget(
            name: "scoped-bridges",
            dependencies: ["Bridge", "BridgeHost"],
            path: "Examples/ScopedBridges",
            plugins: ["BridgeGen"]
        ),
        .executableTarget(
            name: "progress-callback",
            dependencies: ["Bridge", "BridgeHost"],
            path: "Examples/Callbacks",
            plugins: ["BridgeGen"]
        ),
        .executableTarget(
            name: "shared-counter",
            dependencies: ["Bridge", "BridgeHost"],
            path: "Examples/SharedState",
            plugins: ["BridgeGen"]
        ),

        .executableTarget(
            name: "stream-progress",
            dependencies: ["Bridge", "BridgeHost"],
            path: "Examples/Streaming",
            plugins: ["BridgeGen"]
        ),

        .executableTarget(
            name: "distributed-indexer",
            dependencies: ["Bridge", "BridgeHost"],
            path: "Examples/DistributedIndexer",
            plugins: ["BridgeGen"]
        ),

        .executableTarget(
            name: "crash-isolated-pool",
            dependencies: ["Bridge", "BridgeHost"],
            path: "Examples/CrashIsolatedPool",
            plugins: ["BridgeGen"]
        ),

        // Typed clients across targets: the protocol in a library, the real type in a library
        // that only the host executable links, and a client that starts that executable.
        .target(
            name: "VaultInterface",
            dependencies: ["Bridge"],
            path: "Examples/CrossTarget/VaultInterface",
            plugins: ["BridgeGen"]
        ),
        .target(
            name: "VaultHostKit",
            dependencies: ["Bridge", "VaultInterface"],
            path: "Examples/CrossTarget/VaultHostKit"
        ),
        .executableTarget(
            name: "cross-target-host",
            dependencies: ["BridgeHost", "VaultHostKit"],
            path: "Examples/CrossTarget/cross-target-host"
        ),
        // Not a dependency on `cross-target-host`: SwiftPM would link the host's modules, and the
        // real type, into this client. Build the host first (`swift build`).
        .executableTarget(
            name: "cross-target",
            dependencies: ["Bridge", "VaultInterface"],
            path: "Examples/CrossTarget/cross-target"
        ),

        // The distributed twin of the cross-target example: a @Resolvable protocol in a
        // library, the actor in the host executable only, a client that links the protocol.
        .target(
            name: "GreetingInterface",
            path: "Examples/DistributedCrossTarget/GreetingInterface"
        ),
        .executableTarget(
            name: "distributed-cross-target-host",
            dependencies: ["Bridge", "BridgeHost", "GreetingInterface"],
            path: "Examples/DistributedCrossTarget/distributed-cross-target-host",
            plugins: ["BridgeGen"]
        ),
        // Not a dependency on the host, as for `cross-target`: build the host first.
        .executableTarget(
            name: "distributed-cross-target",
            dependencies: ["Bridge", "GreetingInterface"],
            path: "Examples/DistributedCrossTarget/distributed-cross-target"
        ),

        .executableTarget(
            name: "bridge-bench",
            dependencies: ["Bridge", "BridgeHost", "CBenchSupport"],
            path: "Benchmarks/BridgeBench",
            plugins: ["BridgeGen"]
        ),

        // Counts what start/stop cycles and long runs of calls leave behind:
        // `swift run -c release bridge-soak cycles 1000`, `... calls 1000000`.
        .executableTarget(
            name: "bridge-soak",
            dependencies: ["Bridge", "BridgeHost"],
            path: "Benchmarks/BridgeSoak",
            plugins: ["BridgeGen"]
        ),

        // The frame reader and the codec under libFuzzer (scripts/fuzz.sh); built plainly, it
        // replays inputs: `swift run bridge-fuzz Fuzz/corpus`.
        .executableTarget(
            name: "bridge-fuzz",
            dependencies: ["Bridge", "CFuzzerDriver"],
            path: "Fuzz/BridgeFuzz"
        ),
        .target(name: "CFuzzerDriver", path: "Fuzz/CFuzzerDriver"),

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
        // Runs the examples' binaries as processes; they are built by `swift build`.
        .testTarget(name: "ExampleTests"),
        .testTarget(name: "BridgeCodecTests", dependencies: ["Bridge"]),
    ]
)
