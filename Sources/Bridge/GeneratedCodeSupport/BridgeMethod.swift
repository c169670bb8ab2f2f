/// One entry of a host dispatch table: a requirement's signature and the code that decodes its
/// arguments, calls the real object and encodes its result. Used by generated code only.
public struct _BridgeMethod<Real>: Sendable {
    /// Decodes the arguments from a call, calls the real object, encodes the result.
    public typealias Invoke = @Sendable (Real, inout _WireReader, inout _WireWriter) async throws -> Void

    package let signature: String
    package let id: UInt64
    package let invoke: Invoke

    /// Creates a dispatch-table entry.
    /// - Parameters:
    ///   - signature: The requirement's wire signature, as the generator writes it.
    ///   - invoke: Decodes the arguments, calls the real object, encodes the result.
    public init(_ signature: String, _ invoke: @escaping @Sendable (Real, inout _WireReader, inout _WireWriter) async throws -> Void) {
        self.signature = signature
        self.id = _BridgeInterfaceDescription.methodID(of: signature)
        self.invoke = invoke
    }
}
