import Distributed

// The failures of distributed calls, each with its sentence.
extension BridgeError {
    /// This error of the bridge call that carried a distributed call, told of that call: named
    /// by its distributed function (`Module.Indexer.count(in:)`), not by the bridge's own
    /// method, which the user never called, and pointing to starting the actor again, not to a
    /// new bridge, which the user never made. Other errors stay as they are.
    ///
    /// Worked out when a call fails, not for every call: the target's name is demangled.
    /// - Parameter signature: The signature of the bridge method that carried the call.
    func naming(_ target: RemoteCallTarget, carriedBy signature: String) -> BridgeError {
        guard method == signature else { return self }
        let name = target.description
        var error = self
        error.method = name
        error.message = message
            .replacing("'\(signature)'", with: "'\(name)'")
            .replacing(Self.aNewBridge, with: "its actor again (BridgeActorSystem.start)")
        return error
    }

    static func actorNotFound(_ id: BridgeActorSystem.ActorID?, in process: String) -> BridgeError {
        BridgeError(
            code: .actorNotFound,
            message: "No distributed actor " + (id.map { "(\($0)) " } ?? "")
                + "lives in \(process) any more: it was released there. Keep an actor that other processes call alive where it lives (the system holds actors weakly).")
    }

    static func actorOfAnotherSystem(_ id: BridgeActorSystem.ActorID, system: UInt32) -> BridgeError {
        BridgeError(
            code: .actorNotFound,
            message: "The distributed actor (\(id)) belongs to another BridgeActorSystem than this one (system \(system)), whose hosts cannot reach it. Pass an actor only to actors of the system that made it.")
    }

    static func actorHostStopped(_ id: BridgeActorSystem.ActorID) -> BridgeError {
        BridgeError(
            code: .stopped,
            message: "The host of distributed actor (\(id)) was stopped, or this actor system never started it; start a new one to make calls.")
    }
}
