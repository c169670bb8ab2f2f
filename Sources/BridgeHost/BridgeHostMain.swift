import Bridge

/// The `main` of a dedicated host executable, started through `BridgeOptions.executable`.
///
/// A binary started as a host serves before `main` runs, so this is reached only when someone
/// runs the executable by hand: it says what the binary is for and exits with status 64.
///
/// ```swift
/// // Sources/sandbox-host/main.swift, in a target that links the real type
/// import BridgeHost
/// BridgeHostMain.run()
/// ```
public enum BridgeHostMain {
    /// Explains that this executable is a bridge host, and exits.
    public static func run() -> Never {
        FileDescriptor.standardError.write(
            "This executable is a swift-process-bridge host. It serves a bridge started with "
                + "Bridge<RealType>.start(BridgeOptions(executable: <path to this file>)); it does nothing when run by hand.\n")
        System.exit(64)
    }
}
