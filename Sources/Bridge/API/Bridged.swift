/// Marks a protocol whose requirements are called in a bridge's host process.
///
/// The `BridgeGen` plugin reads every protocol that names `Bridged` in its inheritance
/// clause and generates `<Name>Client`, which conforms to the protocol and forwards each call
/// to the host, plus the host's dispatch table. Every requirement must be `throws` or
/// `async throws`, and its parameters and result `Codable`.
public protocol Bridged: _BridgeSendableMetatype {}
