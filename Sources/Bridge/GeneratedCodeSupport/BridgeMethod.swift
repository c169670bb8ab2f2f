/// One entry of a host dispatch table: a requirement's signature and the code that decodes its
/// arguments, calls the real object and encodes its result. Used by generated code only.
public struct _BridgeMethod<Real>: Sendable {
    /// Decodes the arguments from a call, calls the real object, encodes the result.
    public typealias Invoke = @Sendable (Real, inout _WireReader, inout _WireWriter) async throws -> Void
    /// The same, for a requirement that is not `async`.
    public typealias InvokeSynchronously = @Sendable (Real, inout _WireReader, inout _WireWriter) throws -> Void

    /// The same, running on its caller's executor, for an object whose type is erased: for the
    /// bridge's own methods (an actor host's distributed calls), which hop nowhere of their own.
    /// Not for generated code, whose real types need not be `Sendable`.
    package typealias InvokeInPlace = nonisolated(nonsending) @Sendable (AnyObject, inout _WireReader, inout _WireWriter) async throws -> Void

    package let signature: String
    package let id: UInt64
    package let invoke: Invoke
    /// Set for a method made with `init(_:inPlace:)`, which the serving loop calls instead of
    /// `invoke`, with the object: under a host's task executor preference, the runtime takes
    /// the task's status lock (a mutex here) for every hop to an executor, and for the hop back
    /// after every await in an async function, so each layer of closures cost a call one.
    package let invokeInPlace: InvokeInPlace?
    /// The same work without suspending, for a requirement that is not `async`: a serving loop
    /// runs it without the cost of async frames.
    package let invokeSynchronously: InvokeSynchronously?
    /// The method never waits (a shared state's): the parent's side channel runs it on its
    /// reading thread instead of starting a task.
    package let neverWaits: Bool

    /// Creates a dispatch-table entry for an `async` requirement.
    /// - Parameters:
    ///   - signature: The requirement's wire signature, as the generator writes it.
    ///   - invoke: Decodes the arguments, calls the real object, encodes the result.
    public init(_ signature: String, _ invoke: @escaping Invoke) {
        self.signature = signature
        self.id = _BridgeInterfaceDescription.methodID(of: signature)
        self.invoke = invoke
        self.invokeInPlace = nil
        self.invokeSynchronously = nil
        self.neverWaits = false
    }

    /// Creates a dispatch-table entry that runs on its caller's executor (`invokeInPlace`).
    /// - Parameter invoke: Takes the object as `Real`, which it may assume it is.
    package init(_ signature: String, inPlace invoke: @escaping InvokeInPlace) where Real: AnyObject {
        self.signature = signature
        self.id = _BridgeInterfaceDescription.methodID(of: signature)
        self.invoke = { try await invoke($0, &$1, &$2) }
        self.invokeInPlace = invoke
        self.invokeSynchronously = nil
        self.neverWaits = false
    }

    /// Creates a dispatch-table entry for a requirement that is not `async`.
    /// - Parameters:
    ///   - signature: The requirement's wire signature, as the generator writes it.
    ///   - invoke: Decodes the arguments, calls the real object, encodes the result.
    public init(synchronous signature: String, _ invoke: @escaping InvokeSynchronously) {
        self.init(signature, invoke, neverWaits: false)
    }

    /// Creates a dispatch-table entry for a method that never waits: it can run on the thread
    /// that read its call.
    /// - Parameters:
    ///   - signature: The method's wire signature.
    ///   - invokeNow: Decodes the arguments, calls the object, encodes the result; must not block.
    package init(_ signature: String, now invokeNow: @escaping InvokeSynchronously) {
        self.init(signature, invokeNow, neverWaits: true)
    }

    private init(_ signature: String, _ invoke: @escaping InvokeSynchronously, neverWaits: Bool) {
        self.signature = signature
        self.id = _BridgeInterfaceDescription.methodID(of: signature)
        self.invoke = { try invoke($0, &$1, &$2) }
        self.invokeInPlace = nil
        self.invokeSynchronously = invoke
        self.neverWaits = neverWaits
    }
}
