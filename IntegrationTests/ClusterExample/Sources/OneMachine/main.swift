import Bridge
import Foundation

// The actor runs in a host process of its own, as `nobody` when this program runs as root.
let system = BridgeActorSystem()
let options = getuid() == 0 ? BridgeOptions(user: "nobody") : BridgeOptions()
let indexer = try await system.start(Indexer.self, options: options)
let directory = CommandLine.arguments.dropFirst().first ?? "/usr/share"
print("\(directory) holds \(try await indexer.count(in: directory)) files (counted in a host process)")
await system.shutdown()
