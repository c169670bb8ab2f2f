/// What network a host sees.
public enum BridgeNetworkAccess: Sendable, Hashable, Codable {
    /// The parent's network.
    case inherit
    /// A network namespace of its own whose only interface is a loopback, up: code in the host
    /// can reach 127.0.0.1 inside the host and nothing else, the parent's listening sockets
    /// included. Linux only; needs a root parent, or unprivileged user namespaces.
    case none
}
