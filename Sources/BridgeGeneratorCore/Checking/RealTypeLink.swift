/// A real type linked to the client of the bridged protocol it conforms to.
struct RealTypeLink: Hashable, Sendable {
    /// The type's name as other files write it.
    var typeName: String
    /// The access level of the type, which its `BridgeClient` type alias gets.
    var access: AccessLevel
    /// The client's name as the generated file writes it: `Namespace.PingerClient`.
    var clientName: String
    /// The `#if` condition the link is compiled under, or nil when always.
    var condition: String? = nil
    /// The type conforms to `BridgeConfigurable` itself, which already makes it servable: the
    /// link adds only the client.
    var isConfigurable = false
}
