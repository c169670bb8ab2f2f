/// How a connection tells `BridgeOptions.events` of its calls.
extension _BridgeConnection {
    /// What `BridgeOptions.events` calls a call.
    package enum CallReport {
        /// The method's signature, as generated clients' calls are reported.
        case signature
        /// This name.
        case named(String)
        /// Not reported: a call the bridge makes for itself.
        case hidden

        func name(for signature: String) -> String? {
            switch self {
            case .signature: signature
            case .named(let name): name
            case .hidden: nil
            }
        }
    }

    /// Whether calls are reported to `BridgeOptions.events`: a caller with a name of its own
    /// for a call works it out only then.
    package var reportsCalls: Bool { events != nil }

    /// Runs a call, telling `BridgeOptions.events` (if set) how it ended and how long it took;
    /// `method` nil runs it untold.
    @inline(__always)
    nonisolated(nonsending) func reporting<Value>(
        _ method: String?, _ call: nonisolated(nonsending) () async throws -> Value
    ) async throws -> Value {
        guard events != nil, let method else { return try await call() }
        let start = Moment.now
        do {
            let value = try await call()
            report(method, since: start, .returned)
            return value
        } catch {
            report(method, since: start, BridgeCallOutcome(error))
            throw error
        }
    }

    /// `reporting(_:_:)` for a call that blocks its thread.
    @inline(__always)
    func reporting<Value>(_ method: String, _ call: () throws -> Value) throws -> Value {
        guard events != nil else { return try call() }
        let start = Moment.now
        do {
            let value = try call()
            report(method, since: start, .returned)
            return value
        } catch {
            report(method, since: start, BridgeCallOutcome(error))
            throw error
        }
    }

    private func report(_ method: String, since start: Moment, _ outcome: BridgeCallOutcome) {
        events?(.call(method: method, duration: Moment.now - start, outcome: outcome))
    }
}
