/// A real type that a bridge can create and serve in a host process.
///
/// You do not write this conformance for a type that conforms to a bridged protocol in the
/// same target: the `BridgeGen` plugin generates it. For a type whose protocol lives in another
/// target, one line does it:
///
/// ```swift
/// extension LocalSandbox: BridgeHostable { typealias BridgeClient = SandboxClient }
/// ```
public protocol BridgeHostable: _BridgeSendableMetatype {
    /// The generated client type that the parent uses to call this type.
    associatedtype BridgeClient: _BridgeClient

    /// Creates the real object in the host, before its start hook runs.
    init()

    /// The host dispatch table; generated, one entry for each bridged requirement.
    static var _bridgeMethods: [_BridgeMethod<Self>] { get }
}

#if compiler(>=6.2)
/// The host's dispatch closures capture the real type's metatype in `@Sendable` closures.
public typealias _BridgeSendableMetatype = SendableMetatype
#else
public protocol _BridgeSendableMetatype {}
#endif
