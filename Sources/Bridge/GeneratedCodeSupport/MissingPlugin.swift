/// What `withBridge` resolves to when the real type conforms to a bridged protocol but nothing
/// links it to a client, because the `BridgeGen` plugin did not run for the target that
/// declares it: the compiler then names the missing plugin instead of a protocol the user never
/// wrote.
///
/// When the plugin ran, the real type is `BridgeStartable` too, and the available `withBridge`
/// wins over this unavailable one.
@available(
    *, unavailable,
    message: "the real type conforms to a bridged protocol but is not linked to its client. Either the BridgeGen plugin did not run for its target (add 'plugins: [.plugin(name: \"BridgeGen\", package: \"swift-process-bridge\")]' to that target in Package.swift), or it skipped the type and said why in a build warning (a generic, private or non-final type cannot be started), or the type's protocol inherits its bridged protocol from another target without listing 'Bridged' itself (BridgeGen sees one target's sources at a time, so it takes such a protocol for an ordinary one: declare it in the target of the protocol it inherits)."
)
public func withBridge<Real: Bridged, Result>(
    _ type: Real.Type,
    options: BridgeOptions = .init(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Real) async throws -> Result
) async throws -> Result {
    fatalError("unavailable")
}
