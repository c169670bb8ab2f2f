/// A type that `Bridge` can start: it names the generated client the parent calls and the
/// real type the host creates.
///
/// Real types conform through ``BridgeHostable`` or ``BridgeConfigurable``. Conform to this
/// protocol yourself only to start a real type that the parent does not link, because it lives
/// in a separate host executable (see `BridgeOptions.executable`):
///
/// ```swift
/// // In the parent, which links the protocol `Vault` and its client, not the real type.
/// enum RemoteVault: BridgeStartable {
///     typealias BridgeClient = VaultClient
///     static let bridgeRealTypeName = "VaultHost.LocalVault"  // module.type in the host
/// }
/// let bridge = try await Bridge<RemoteVault>.start(.init(executable: "vault-host"))
/// ```
///
/// When the compiler says that a real type "does not conform to protocol 'BridgeStartable'",
/// the `BridgeGen` plugin did not run for the target that declares it: add
/// `plugins: [.plugin(name: "BridgeGen", package: "swift-process-bridge")]` to that target in
/// `Package.swift`.
public protocol BridgeStartable: _BridgeSendableMetatype {
    /// The generated client type that the parent uses to call the real type.
    associatedtype BridgeClient: _BridgeClient

    /// The name the host finds the real type by: `Module.TypeName` for a top-level type of the
    /// host executable. A real type's default is its mangled name, which names it exactly.
    static var bridgeRealTypeName: String { get }
}

extension BridgeStartable {
    /// The real type's mangled name.
    public static var bridgeRealTypeName: String { _mangledTypeName(Self.self) ?? String(reflecting: Self.self) }
}

/// A real type that a host can create and serve. Used by generated code and the host only.
public protocol _BridgeServable: BridgeStartable {
    /// The host dispatch table; generated, one entry for each bridged requirement.
    static var _bridgeMethods: [_BridgeMethod<Self>] { get }

    /// Creates the real object in the host from the encoded configuration the parent sent, if
    /// any. ``BridgeHostable`` and ``BridgeConfigurable`` provide it.
    static func _bridgeCreate(configuration: [UInt8]?) throws -> Self

    /// The real object as a ``BridgeLifecycle``, if it is one.
    static func _bridgeLifecycle(of real: Self) -> (any BridgeLifecycle)?

    /// Whether the host runs calls to the real object at once (``BridgeConcurrentCalls``).
    static var _bridgeTakesConcurrentCalls: Bool { get }
}

// Which of the protocols a host asks about the real type conforms to. The compiler picks the
// witnesses below where the conformance to `_BridgeServable` is made, so a type known there to
// conform is told so without a cast: the runtime answers a type's first cast to a protocol by
// scanning every conformance record in the process (100-200 µs in a fresh host with
// Foundation). The unconstrained ones cast, and so also find a conformance made elsewhere (a
// subclass's, say).
extension _BridgeServable {
    public static func _bridgeLifecycle(of real: Self) -> (any BridgeLifecycle)? { real as? any BridgeLifecycle }
    public static var _bridgeTakesConcurrentCalls: Bool { Self.self is any BridgeConcurrentCalls.Type }
}

extension _BridgeServable where Self: BridgeLifecycle {
    public static func _bridgeLifecycle(of real: Self) -> (any BridgeLifecycle)? { real }
}

extension _BridgeServable where Self: BridgeConcurrentCalls {
    public static var _bridgeTakesConcurrentCalls: Bool { true }
}

/// A real type that a bridge creates with `init()` and serves in a host process.
///
/// You do not write this conformance for a type that conforms to a bridged protocol in the
/// same target: the `BridgeGen` plugin generates it. For a type whose protocol lives in another
/// target, one line does it:
///
/// ```swift
/// extension LocalSandbox: BridgeHostable { typealias BridgeClient = SandboxClient }
/// ```
public protocol BridgeHostable: _BridgeServable {
    /// Creates the real object in the host, before its start hook runs.
    init()
}

extension BridgeHostable {
    /// Creates the real object with `init()`; a configuration is ignored.
    public static func _bridgeCreate(configuration: [UInt8]?) throws -> Self { Self() }
}

/// A real type that a bridge creates with a configuration the parent passes to `start`.
///
/// ```swift
/// struct Limits: Codable, Sendable { var maximumFiles: Int }
///
/// final class Indexer: Index, BridgeConfigurable {
///     init(configuration: Limits) throws { ... }
/// }
///
/// let bridge = try await Bridge<Indexer>.start(configuration: Limits(maximumFiles: 100))
/// ```
///
/// The configuration is encoded in the parent and decoded in the host before the real object
/// exists. The type needs no `init()`. When `BridgeGen` sees `BridgeConfigurable` in the type's
/// inheritance clause it links the type to its client; for a type whose protocol lives in
/// another target, add the client yourself:
/// `extension Indexer: BridgeConfigurable { typealias BridgeClient = IndexClient }`.
public protocol BridgeConfigurable: _BridgeServable {
    /// What the parent passes to `start(configuration:options:)`.
    associatedtype Configuration: Codable & Sendable

    /// Creates the real object in the host, before its start hook runs.
    /// - Throws: Any error; `start` then throws it (as itself when it is `Codable`).
    init(configuration: Configuration) throws
}

extension BridgeConfigurable {
    /// Decodes the configuration and calls `init(configuration:)`.
    /// - Throws: `BridgeError` when the configuration is missing or cannot be decoded, or what
    ///   `init(configuration:)` threw.
    public static func _bridgeCreate(configuration: [UInt8]?) throws -> Self {
        guard let configuration else {
            throw BridgeError.startFailed("\(String(reflecting: Self.self)) needs a configuration; start it with start(configuration:options:)")
        }
        var reader = _WireReader(bytes: configuration)
        let decoded: Configuration
        do {
            decoded = try reader.decode(Configuration.self)
        } catch {
            throw BridgeError.malformedMessage("the configuration of \(String(reflecting: Self.self)) could not be decoded: \(error)")
        }
        return try Self(configuration: decoded)
    }
}

#if compiler(>=6.2)
/// The host's dispatch closures capture the real type's metatype in `@Sendable` closures.
public typealias _BridgeSendableMetatype = SendableMetatype
#else
/// Before Swift 6.2 every metatype is sendable; this stands in for `SendableMetatype`.
public protocol _BridgeSendableMetatype {}
#endif
