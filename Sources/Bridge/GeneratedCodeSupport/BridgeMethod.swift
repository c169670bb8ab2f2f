/// One entry of a host dispatch table: a requirement's signature and the code that decodes its
/// arguments, calls the real object and encodes its result. Used by generated code only.
public struct _BridgeMethod<Real>: Sendable {
    /// Decodes the arguments from a call, calls the real object, encodes the result.
    public typealias Invoke = @Sendable (Real, inout _WireReader, inout _WireWriter) async throws -> Void

    package let signature: String
    package let id: UInt64
    package let invoke: Invoke
    /// The same work without suspending, for a method that never waits (a shared state's): the
    /// parent's side channel runs it on its reading thread instead of starting a task.
    package let invokeNow: (@Sendable (Real, inout _WireReader, inout _WireWriter) throws -> Void)?

    /// Creates a dispatch-table entry.
    /// - Parameters:
    ///   - signature: The requirement's wire signature, as the generator writes it.
    ///   - invoke: Decodes the arguments, calls the real object, encodes the result.
    public init(_ signature: String, _ invoke: @escaping @Sendable (Real, inout _WireReader, inout _WireWriter) async throws -> Void) {
        self.signature = signature
        self.id = _BridgeInterfaceDescription.methodID(of: signature)
        self.invoke = invoke
        self.invokeNow = nil
    }

    /// Creates a dispatch-table entry for a method that never waits: it can run on the thread
    /// that read its call.
    /// - Parameters:
    ///   - signature: The method's wire signature.
    ///   - invokeNow: Decodes the arguments, calls the object, encodes the result; must not block.
    package init(_ signature: String, now invokeNow: @escaping @Sendable (Real, inout _WireReader, inout _WireWriter) throws -> Void) {
        self.signature = signature
        self.id = _BridgeInterfaceDescription.methodID(of: signature)
        self.invoke = { try invokeNow($0, &$1, &$2) }
        self.invokeNow = invokeNow
    }
}
