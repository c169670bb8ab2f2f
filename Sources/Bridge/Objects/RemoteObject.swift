/// The object a generated client calls: the host's real object, or an object that the parent
/// passed to the host as an argument. Used by generated code only.
///
/// A passed object lives in the parent while the host holds a client for it: when the last
/// client in the host goes away, the parent is told, and releases it.
public final class _BridgeRemoteObject: Sendable {
    /// The real object, which every bridge serves as object 0.
    public static let root = _BridgeRemoteObject(id: 0, releasingThrough: nil)

    package let id: UInt32
    /// The connection to tell when this reference goes away; nil for the real object.
    private let owner: _BridgeConnection?

    package init(id: UInt32, releasingThrough owner: _BridgeConnection?) {
        self.id = id
        self.owner = owner
    }

    deinit {
        owner?.release(objectID: id)
    }
}
