/// One entry of a host dispatch table: a requirement's signature and the code that decodes its
/// arguments, calls the real object and encodes its result. Used by generated code only.
public struct _BridgeMethod<Real>: Sendable {
    /// Decodes the arguments from a call, calls the real object, encodes the result.
    public typealias Invoke = @Sendable (Real, inout _WireReader, inout _WireWriter) async throws -> Void
    /// The same, for a requirement that is not `async`.
    public typealias InvokeSynchronously = @Sendable (Real, inout _WireReader, inout _WireWriter) throws -> Void

    package let signature: String
    package let id: UInt64
    package let invoke: Invoke
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
        self.invokeSynchronously = invoke
        self.neverWaits = neverWaits
    }
}
