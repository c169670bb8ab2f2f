/// An object the parent passes to a host as an argument, with the methods the host may call
/// on it. Used by generated code only.
public struct _BridgeExport: Sendable {
    /// The bridged protocol the object is passed as.
    package let interface: _BridgeInterfaceDescription
    /// Binds the methods to the object, given the largest result a call may send back.
    package let bind: @Sendable (_ resultLimit: Int) -> BoundMethods

    /// Describes `object` as the bridged protocol whose dispatch table is `methods`.
    /// - Parameters:
    ///   - object: Called by the host from other threads, maybe several calls at once.
    ///   - methods: The protocol's generated dispatch table.
    ///   - interface: The protocol's generated interface description.
    public init<Object: Sendable>(_ object: Object, _ methods: [_BridgeMethod<Object>], _ interface: _BridgeInterfaceDescription) {
        self.interface = interface
        self.bind = { BoundMethods(methods, boundTo: object, resultLimit: $0) }
    }
}
