import Bridge

/// The bridged protocol, shared by the client and the host executable. `BridgeGen` generates
/// `VaultClient` here; the real type lives in `VaultHostKit`, which the client does not link.
public protocol Vault: Bridged {
    func secret(named name: String) async throws -> String
    func processID() async throws -> Int32
}

/// Thrown by the host; `Codable`, so the client receives it as itself.
public enum VaultError: Error, Codable, Equatable {
    case noSuchSecret(String)
}
