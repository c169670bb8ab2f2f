extension CodingUserInfoKey {
    /// In the parent, while a call's arguments are encoded: the `SideChannel` that registers
    /// the objects passed to the host.
    package static let bridgeObjectExporter = CodingUserInfoKey(rawValue: "swift-process-bridge.objectExporter")!

    /// In a host, while a call's arguments are decoded: the `_BridgeConnection` that calls
    /// the objects the parent passed.
    package static let bridgeObjectSource = CodingUserInfoKey(rawValue: "swift-process-bridge.objectSource")!
}
