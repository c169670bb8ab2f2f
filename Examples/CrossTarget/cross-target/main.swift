// A client that calls a real type it does not link: the protocol comes from `VaultInterface`,
// the real type lives in `VaultHostKit`, linked only into the host executable
// `cross-target-host`, which the client finds next to itself by product name.
//
//     swift build --product cross-target-host && swift run cross-target
import Bridge
import Foundation
import VaultInterface

/// Names the real type in the host executable; this binary has no `LocalVault`.
enum RemoteVault: BridgeStartable {
    typealias BridgeClient = VaultClient
    static let bridgeRealTypeName = "VaultHostKit.LocalVault"
}

print("client (pid \(getpid())) links LocalVault: \(_typeByName("VaultHostKit.LocalVault") != nil)")
do {
    try await withBridge(RemoteVault.self, options: .init(executable: "cross-target-host", events: { event in
        if case .spawned(let pid, let executable) = event { print("started host \(pid): \(executable)") }
    })) { vault in
        print("host \(try await vault.processID()) says: \(try await vault.secret(named: "greeting"))")
        do {
            _ = try await vault.secret(named: "missing")
        } catch VaultError.noSuchSecret(let name) {
            print("host threw VaultError.noSuchSecret(\(name.debugDescription)), received as itself")
        }
    }
} catch let error as BridgeError {
    print(error)
    exit(1)
}
