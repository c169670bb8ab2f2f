// The failures of distributed calls, each with its sentence.
extension BridgeError {
    static func actorNotFound(_ id: BridgeActorSystem.ActorID?, in process: String) -> BridgeError {
        BridgeError(
            code: .actorNotFound,
            message: "No distributed actor " + (id.map { "(\($0)) " } ?? "")
                + "lives in \(process) any more: it was released there. Keep an actor that other processes call alive where it lives (the system holds actors weakly).")
    }

    static func actorHostStopped(_ id: BridgeActorSystem.ActorID) -> BridgeError {
        BridgeError(
            code: .stopped,
            message: "The host of distributed actor (\(id)) was stopped, or this actor system never started it; start a new one to make calls.")
    }
}
