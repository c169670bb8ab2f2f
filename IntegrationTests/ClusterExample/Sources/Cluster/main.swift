import DistributedCluster

// Two nodes of a cluster in one process, on this machine's loopback: the indexer lives on the
// first, and the second finds it through the receptionist and calls it over the network.
let first = await ClusterSystem("first") { settings in
    settings.bindPort = 7337
    settings.logging.logLevel = .error
}
let second = await ClusterSystem("second") { settings in
    settings.bindPort = 7338
    settings.logging.logLevel = .error
}
second.cluster.join(endpoint: first.settings.endpoint)
try await first.cluster.waitFor([first.settings.bindNode, second.settings.bindNode], .up, within: .seconds(10))

let indexer = Indexer(actorSystem: first)
await first.receptionist.checkIn(indexer, with: .indexers)

let directory = CommandLine.arguments.dropFirst().first ?? "/usr/share"
for await found in await second.receptionist.listing(of: .indexers) {
    print("\(directory) holds \(try await found.count(in: directory)) files (counted on node 'first', asked by node 'second')")
    break
}
try first.shutdown().wait()
try second.shutdown().wait()

extension DistributedReception.Key {
    static var indexers: DistributedReception.Key<Indexer> { "indexers" }
}
