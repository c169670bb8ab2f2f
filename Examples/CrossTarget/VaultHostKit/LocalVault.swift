import Bridge
import Foundation
import VaultInterface

/// The real vault: linked only into the host executable `cross-target-host`.
public final class LocalVault: Vault {
    private let secrets = ["greeting": "hello from the host-only target"]

    public init() {}

    public func secret(named name: String) async throws -> String {
        guard let secret = secrets[name] else { throw VaultError.noSuchSecret(name) }
        return secret
    }

    public func processID() async throws -> Int32 { getpid() }
}

// The one line a type needs when its protocol lives in another target: it names the client
// that `BridgeGen` generated there.
extension LocalVault: BridgeHostable { public typealias BridgeClient = VaultClient }
