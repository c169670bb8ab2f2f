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
    /// An error that names no method (the function's own, sent back as `remoteError`, or the
    /// actor's being gone) is told of the call too.
    func naming(_ target: RemoteCallTarget, carriedBy signature: String) -> BridgeError {
        guard method == signature || method == nil else { return self }
        let name = target.description
        var error = self
        error.method = name
        guard method != nil else { return error }
        error.message = message
            .replacing("'\(signature)'", with: "'\(name)'")
            .replacing(Self.aNewBridge, with: "its actor again (BridgeActorSystem.start)")
        return error
    }

    static func actorNotFound(_ id: BridgeActorSystem.ActorID?, in process: String) -> BridgeError {
        BridgeError(
            code: .actorNotFound,
            message: "No distributed actor " + (id.map { "(\($0)) " } ?? "")
                + "lives in \(process): it was released there, or never lived there. Keep an actor that other processes call alive where it lives (the system holds actors weakly).")
    }

    /// An id resolved as a type its actor does not have (`TypeB.resolve(id:using:)` with a
    /// `TypeA`'s id).
    static func actorOfAnotherType(_ id: BridgeActorSystem.ActorID, is actual: String, not expected: String, in process: String) -> BridgeError {
        BridgeError(
            code: .actorNotFound,
            message: "The distributed actor (\(id)) in \(process) is a \(actual), not a \(expected). Resolve an id as the type of the actor it names.")
    }

    /// A call whose function is not one of its actor's: a reference resolved as another type
    /// in another process, or a peer that names another type's function.
    static func targetOfAnotherType(_ function: String, actorType: String, id: BridgeActorSystem.ActorID?, in process: String) -> BridgeError {
        BridgeError(
            code: .actorNotFound,
            message: "'\(function)' was not run: the distributed actor " + (id.map { "(\($0)) " } ?? "")
                + "in \(process) is a \(actorType), which has no such function. A reference to it was resolved as another type; resolve an id as the type of the actor it names.",
            method: function)
    }

    static func actorOfAnotherSystem(_ id: BridgeActorSystem.ActorID, system: UInt32) -> BridgeError {
        BridgeError(
            code: .actorNotFound,
            message: "The distributed actor (\(id)) belongs to another BridgeActorSystem than this one (system \(system)), whose hosts cannot reach it. Pass an actor only to actors of the system that made it.")
    }

    /// - Parameter function: The distributed function called, when known.
    static func actorHostStopped(_ id: BridgeActorSystem.ActorID, calling function: String?) -> BridgeError {
        BridgeError(
            code: .stopped,
            message: (function.map { "'\($0)' was not sent: the host" } ?? "The host")
                + " of distributed actor (\(id)) was stopped, or this actor system never started it; start its actor again (BridgeActorSystem.start) to make calls.",
            method: function)
    }
}
