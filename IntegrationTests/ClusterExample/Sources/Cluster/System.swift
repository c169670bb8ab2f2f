import Distributed
import DistributedCluster

/// Several machines: actors live on the nodes of a cluster.
typealias DefaultDistributedActorSystem = ClusterSystem
