/// A failure of the bridge itself, as opposed to an error thrown by the real object.
///
/// Errors that the real object throws arrive as themselves when their type is `Codable`;
/// other errors arrive as a `BridgeError` whose code is ``Code-swift.struct/remoteError``.
///
/// Match on the ``code-swift.property``, which new releases may extend without breaking a
/// `switch` (there is always a `default`), and read the facts that apply to it:
///
/// ```swift
/// do {
///     try await sandbox.run(["make"])
/// } catch let error as BridgeError where error.code == .hostExited {
///     print("host \(error.processID!) \(error.termination!)")   // "host 812 was killed by SIGKILL"
/// }
/// ```
public struct BridgeError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// What kind of failure this is.
    public var code: Code
    /// What went wrong and what to do about it, in a sentence or two.
    public var message: String
    /// The requirement whose call failed, as its signature (`greet(_:String) async throws ->
    /// String`), when one call is concerned.
    public var method: String?
    /// The host process concerned, when one is known.
    public var processID: Int32?
    /// How the host ended, for ``Code-swift.struct/hostExited``.
    public var termination: HostTermination?
    /// The size of the message, in bytes, for ``Code-swift.struct/messageTooLarge`` and
    /// ``Code-swift.struct/resultTooLarge``.
    public var size: Int?
    /// The limit that `size` is over (``BridgeOptions/maximumMessageSize``); for
    /// ``Code-swift.struct/hostExited``, the host's address space limit
    /// (``BridgeLimits/addressSpace``), if it had one.
    public var limit: Int?
    /// The type of the error the real object threw, for ``Code-swift.struct/remoteError``.
    public var remoteTypeName: String?
    /// Why the bridge itself killed the host (its hang watch), for the message of
    /// ``Code-swift.struct/hostExited``; kept here so that naming a call keeps it. Not encoded.
    package var killReason: String? = nil
    /// A sentence more at the end of the message of ``Code-swift.struct/hostExited`` (what a
    /// replacement's failure added), kept here for the same reason. Not encoded.
    package var postscript: String? = nil

    private enum CodingKeys: String, CodingKey {
        case code, message, method, processID, termination, size, limit, remoteTypeName
    }

    /// Makes an error from its code, its message and the facts that apply.
    public init(
        code: Code, message: String, method: String? = nil, processID: Int32? = nil,
        termination: HostTermination? = nil, size: Int? = nil, limit: Int? = nil, remoteTypeName: String? = nil
    ) {
        self.code = code
        self.message = message
        self.method = method
        self.processID = processID
        self.termination = termination
        self.size = size
        self.limit = limit
        self.remoteTypeName = remoteTypeName
    }

    /// The message: what went wrong and what to do about it.
    public var description: String { message }
}

extension BridgeError {
    /// The kind of a ``BridgeError``: a closed set today, open to new members in later
    /// releases, so a `switch` over it needs a `default`.
    public struct Code: Hashable, Sendable, Codable, CustomStringConvertible {
        /// The code's name, as written here (`hostExited`); also how it is encoded.
        public let name: String

        private init(_ name: String) { self.name = name }

        /// The host could not be started or did not complete its handshake.
        public static let startFailed = Code("startFailed")
        /// The host process ended; ``BridgeError/termination`` says how.
        public static let hostExited = Code("hostExited")
        /// The host was built from other source: its bridged protocol differs from the caller's.
        public static let interfaceMismatch = Code("interfaceMismatch")
        /// A message on the bridge's socket could not be read; the connection was closed.
        public static let malformedMessage = Code("malformedMessage")
        /// Something did not answer in time: a call past ``BridgeOptions/callTimeout``, a host
        /// past ``BridgeOptions/startTimeout``.
        public static let timedOut = Code("timedOut")
        /// The real object threw an error whose type is not `Codable`, or is unknown here.
        public static let remoteError = Code("remoteError")
        /// The bridge was stopped; calls need a new bridge.
        public static let stopped = Code("stopped")
        /// A message is over ``BridgeOptions/maximumMessageSize``. With a method, that call
        /// was refused before it was sent, and the bridge stays usable; without one, such a
        /// message arrived and the connection was closed.
        public static let messageTooLarge = Code("messageTooLarge")
        /// The result of a call is over the limit: the host sent this error instead, and the
        /// bridge stays usable.
        public static let resultTooLarge = Code("resultTooLarge")
        /// A system call on the bridge's socket failed with an error other than an
        /// interruption or a timeout (``BridgeError/message`` names the call and its `errno`):
        /// the socket cannot carry frames any more, so the connection was closed and the host
        /// ended, as for a malformed message.
        public static let connectionFailed = Code("connectionFailed")
        /// In a host: the parent no longer serves the objects it passed (callbacks, shared
        /// state), because its bridge is stopping or it exited.
        public static let parentGone = Code("parentGone")
        /// The open descriptors a call carries (`BridgeFileDescriptor`) could not be sent
        /// (``BridgeError/message`` names the `errno`: too many in flight, or no room on the
        /// bridge's descriptor channel within the call's time limit): the call was not sent,
        /// and the bridge stays usable.
        public static let descriptorsNotSent = Code("descriptorsNotSent")
        /// A distributed call named an actor that does not live in its process (any more): it
        /// was released there, or its id belongs to another `BridgeActorSystem`.
        public static let actorNotFound = Code("actorNotFound")
        /// A result or a stream's element arrived whole but could not be decoded as its type:
        /// the type's `init(from:)` refused what the host encoded, or the two sides were built
        /// from different source. That call (or stream) failed; the bridge stays usable.
        public static let decodingFailed = Code("decodingFailed")

        public var description: String { name }

        public init(from decoder: any Decoder) throws {
            self.init(try decoder.singleValueContainer().decode(String.self))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(name)
        }
    }
}

// The errors the package makes, each with its sentence. Package-wide, so that every place that
// fails a call words it the same way.
extension BridgeError {
    package static func startFailed(_ reason: String) -> BridgeError {
        BridgeError(code: .startFailed, message: "Bridge host could not be started: \(reason)")
    }

    package static func startFailed(
        processID: Int32, termination: HostTermination, _ explanation: String, addressSpaceLimit: Int? = nil
    ) -> BridgeError {
        let limit = termination.limitExplanation(addressSpaceLimit: addressSpaceLimit).map { " \($0)" } ?? ""
        return BridgeError(
            code: .startFailed,
            message: "Bridge host could not be started: the host (pid \(processID)) \(termination) before it could serve.\(limit)\(explanation)",
            processID: processID, termination: termination, limit: addressSpaceLimit)
    }

    /// - Parameters:
    ///   - waiting: Whether `method` was in flight when the host ended; else it was called
    ///     after, and never sent.
    ///   - addressSpaceLimit: The host's `BridgeLimits.addressSpace`, which a crash most likely
    ///     comes from; kept in `limit`.
    ///   - killReason: Why the bridge killed the host, if it did (`HostProcess.killedBecause`).
    package static func hostExited(
        processID: Int32, termination: HostTermination, method: String?, waiting: Bool = true, addressSpaceLimit: Int? = nil,
        killReason: String? = nil, postscript: String? = nil
    ) -> BridgeError {
        var error = BridgeError(
            code: .hostExited,
            message: "Bridge host (pid \(processID)) \(termination)"
                + (method.map { waiting ? " while '\($0)' was waiting for it" : "; '\($0)' was not sent" } ?? "")
                + (killReason.map { ": the bridge killed it, \($0)." } ?? ".")
                + (termination.limitExplanation(addressSpaceLimit: addressSpaceLimit).map { " \($0)" } ?? "")
                + " \(startANewBridge)" + (killReason == nil ? "; the host's standard error may say why it ended." : ".")
                + (postscript.map { " \($0)" } ?? ""),
            method: method, processID: processID, termination: termination, limit: addressSpaceLimit)
        error.killReason = killReason
        error.postscript = postscript
        return error
    }

    /// This ``Code-swift.struct/hostExited`` error with `sentence` at the end of its message.
    package func addingPostscript(_ sentence: String) -> BridgeError {
        guard code == .hostExited else { return self }
        return .hostExited(
            processID: processID ?? 0, termination: termination ?? .unknown, method: method, addressSpaceLimit: limit,
            killReason: killReason, postscript: [postscript, sentence].compactMap { $0 }.joined(separator: " "))
    }

    /// A step of a host's confinement (its namespaces, limits, user, no-new-privileges or
    /// working directory) failed; `reason` names the call and its errno.
    package static func confinementFailed(step: String, _ reason: String) -> BridgeError {
        .startFailed("the host failed its set-up step '\(step)': \(reason)")
    }

    package static func interfaceMismatch(_ detail: String) -> BridgeError {
        BridgeError(
            code: .interfaceMismatch,
            message: "Bridge host was built from other source: \(detail). Rebuild the host executable from the same source as the caller.")
    }

    package static func malformedMessage(_ detail: String) -> BridgeError {
        BridgeError(code: .malformedMessage, message: "Bridge received a malformed message and closed the connection: \(detail)")
    }

    /// A value that arrived whole but that its type's `init(from:)` refused, or that another
    /// build's type encoded. Not a malformed message: the connection goes on.
    /// - Parameters:
    ///   - what: "the result of", say; the method's signature follows.
    ///   - ended: What ended with the value.
    package static func decodingFailed(_ what: String, method: String, _ error: any Error, ended: String = "the call failed") -> BridgeError {
        BridgeError(
            code: .decodingFailed,
            message: "\(what.prefix(1).uppercased())\(what.dropFirst()) '\(method)' arrived but could not be decoded: \(error). Its type's init(from:) refused what the host encoded, or the caller and the host were built from different source; \(ended), and the bridge stays usable.",
            method: method)
    }

    package static func connectionFailed(_ failure: SystemError) -> BridgeError {
        BridgeError(
            code: .connectionFailed,
            message: "Bridge's connection failed and was closed: \(failure.namingErrno). The socket cannot carry calls any more; start \(aNewBridge).")
    }

    package static func timedOut(_ what: String, method: String? = nil, processID: Int32? = nil) -> BridgeError {
        BridgeError(code: .timedOut, message: "Bridge timed out: \(what)", method: method, processID: processID)
    }

    /// - Parameter why: Why the error arrives as its description, and what to do about it.
    package static func remoteError(
        typeName: String, description: String,
        why: String = "the error's type is not Codable, so it arrives as this description; make it Codable to receive it as itself"
    ) -> BridgeError {
        BridgeError(code: .remoteError, message: "The host threw \(typeName): \(description) (\(why))", remoteTypeName: typeName)
    }

    package static func stopped(method: String?) -> BridgeError {
        BridgeError(
            code: .stopped,
            message: "Bridge was stopped" + (method.map { " before '\($0)' could complete" } ?? "") + "; start \(aNewBridge) to make calls.",
            method: method)
    }

    package static func messageTooLarge(method: String?, size: Int, limit: Int) -> BridgeError {
        let message =
            if let method {
                "Bridge refused to send '\(method)': its arguments take \(size) bytes, over the limit of \(limit) bytes (BridgeOptions.maximumMessageSize); pass less per call, or raise the limit."
            } else {
                "Bridge received a message of \(size) bytes, over the limit of \(limit) bytes (BridgeOptions.maximumMessageSize), and closed the connection; return less per call, or raise the limit."
            }
        return BridgeError(code: .messageTooLarge, message: message, method: method, size: size, limit: limit)
    }

    package static func resultTooLarge(method: String, size: Int, limit: Int) -> BridgeError {
        BridgeError(
            code: .resultTooLarge,
            message: "Bridge host did not send the result of '\(method)': it takes \(size) bytes, over the limit of \(limit) bytes (BridgeOptions.maximumMessageSize); return less per call, or raise the limit.",
            method: method, size: size, limit: limit)
    }

    package static func descriptorsNotSent(method: String, _ failure: SystemError) -> BridgeError {
        BridgeError(
            code: .descriptorsNotSent,
            message: "Bridge did not send '\(method)': the open descriptors it carries could not be passed to the host (\(failure.namingErrno)): ETIMEDOUT when the host took none within the call's time limit (BridgeOptions.callTimeout), ETOOMANYREFS when too many are in flight (each counts against the sending user's RLIMIT_NOFILE until the host takes it). The bridge stays usable.",
            method: method)
    }

    package static func parentGone(method: String?) -> BridgeError {
        BridgeError(
            code: .parentGone,
            message: "The bridge's parent no longer serves the objects it passed to this host"
                + (method.map { " ('\($0)' cannot complete)" } ?? "")
                + ": its bridge is stopping, or it exited. Use callbacks and shared state from calls the parent made, not from the stop hook or later.",
            method: method)
    }

    /// What errors of an ended host tell their reader to start: the remedy that `advising`
    /// and `naming(_:carriedBy:)` swap, so every message that advises it words it so.
    package static let aNewBridge = "a new bridge"
    /// The sentence that ends a `hostExited` message where nothing replaces the host.
    package static let startANewBridge = "Start \(aNewBridge) to continue"

    /// The same error, telling its reader to do `remedy` instead of starting a new bridge: for
    /// a bridge that replaces its hosts.
    package func advising(_ remedy: String) -> BridgeError {
        var error = self
        error.message = message.replacing(Self.startANewBridge, with: remedy)
        return error
    }

    /// The same error, naming the call it fails: one that was waiting when it happened, or
    /// one made after (`waiting` false), which was never sent.
    package func naming(_ method: String?, waiting: Bool = true) -> BridgeError {
        switch code {
        case .hostExited:
            .hostExited(
                processID: processID ?? 0, termination: termination ?? .unknown, method: method, waiting: waiting, addressSpaceLimit: limit,
                killReason: killReason, postscript: postscript)
        case .stopped: .stopped(method: method)
        case .parentGone: .parentGone(method: method)
        default: self
        }
    }
}
