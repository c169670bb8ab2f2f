/// What every generated `<Protocol>Client` conforms to. Used by generated code only.
public protocol _BridgeClient: Sendable {
    /// The bridged protocol's name and requirement signatures.
    static var _bridgeInterface: _BridgeInterfaceDescription { get }

    /// Wraps a connection to a host that serves the protocol.
    init(_connection: _BridgeConnection)
}
