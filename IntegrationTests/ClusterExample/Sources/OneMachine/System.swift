import Bridge
import Distributed

/// One machine: each actor that `BridgeActorSystem.start` creates lives in a host process.
typealias DefaultDistributedActorSystem = BridgeActorSystem
