import Distributed
import Foundation

/// Counts the regular files under a directory.
///
/// The same file in both executables (each holds a link to it): the declaration names no actor
/// system, so each module's `DefaultDistributedActorSystem` picks it (`System.swift`, the one
/// line that differs). Internal: a `public` actor's file would have to import its system's
/// module too (README.md).
distributed actor Indexer {
    init(actorSystem: ActorSystem) {
        self.actorSystem = actorSystem
    }

    /// How many regular files lie under `directory`, at any depth.
    distributed func count(in directory: String) async throws -> Int {
        guard let files = FileManager.default.enumerator(atPath: directory) else {
            throw IndexingError(message: "cannot read \(directory)")
        }
        var count = 0
        while let path = files.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                count += 1
            }
        }
        return count
    }
}

/// A `Codable` error: it reaches the caller as itself, from a host or from another node.
struct IndexingError: Error, Codable {
    var message: String
}
