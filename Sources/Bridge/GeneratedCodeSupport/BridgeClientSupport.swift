/// What every generated `<Protocol>Client` conforms to. Used by generated code only.
public protocol _BridgeClient: Sendable {
    /// The bridged protocol's name and requirement signatures.
    static var _bridgeInterface: _BridgeInterfaceDescription { get }

    /// Wraps a connection and the object on its other end that serves the protocol.
    init(_connection: _BridgeConnection, _object: _BridgeRemoteObject)
}

extension _BridgeClient {
    /// Wraps a connection to a host whose real object serves the protocol.
    public init(_connection: _BridgeConnection) {
        self.init(_connection: _connection, _object: .root)
    }
}
