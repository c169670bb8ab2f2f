/// Where a writer registers the objects passed as arguments (the parent's side channel): all
/// the codec knows of the connection layer when it writes.
package protocol WireObjectExporter: AnyObject, Sendable {
    /// Registers `object` for the callee to call; returns its id on the wire.
    /// - Throws: `BridgeError.stopped` once the bridge is stopping.
    func export(_ object: _BridgeExport) throws(BridgeError) -> UInt32
}

/// Where a reader gets clients for the objects the parent passed (the host's side channel):
/// all the codec knows of the connection layer when it reads.
package protocol WireObjectSource: AnyObject, Sendable {
    /// A client that calls the parent's object `objectID`, and releases it when dropped.
    func client<Client: _BridgeClient>(_ type: Client.Type, objectID: UInt32) -> Client
}

/// An object source that gives decoders a `userInfo` of its own (a distributed actor system's,
/// which holds the system and the object source it wraps).
package protocol WireUserInfoSource: AnyObject {
    /// What `Decoder.userInfo` returns while this source is the reader's.
    var wireUserInfo: [CodingUserInfoKey: Any] { get }
}
