/// An object's methods by wire id, each bound to the object, so that serving a call does not
/// depend on the object's type: the per-call path is compiled once rather than run through
/// generic metadata. The host serves its real object through one; the parent serves each
/// object it passed to a host through one.
package struct BoundMethods: Sendable {
    package struct Method: Sendable {
        package var signature: String
        /// On the caller's executor; a generated method's hops to the generic executor inside.
        package var invoke: nonisolated(nonsending) @Sendable (inout _WireReader, inout _WireWriter) async throws -> Void
        /// Set for a method that runs in place, with its object; see `_BridgeMethod.invokeInPlace`.
        /// Unsafe as `invoke`'s capture of the object is: see `init`.
        nonisolated(unsafe) package var inPlace: (object: AnyObject, invoke: _BridgeMethod<AnyObject>.InvokeInPlace)? = nil
        /// Set for a requirement that is not `async`; see `_BridgeMethod.invokeSynchronously`.
        package var invokeSynchronously: (@Sendable (inout _WireReader, inout _WireWriter) throws -> Void)? = nil
        /// See `_BridgeMethod.neverWaits`.
        package var neverWaits = false
    }

    /// The methods' ids in ascending order, and the methods in the same order: a binary search
    /// costs a call less than hashing its id.
    private let ids: [UInt64]
    private let methods: [Method]
    /// The largest result a call may send back (`BridgeOptions.maximumMessageSize`).
    package let resultLimit: Int

    /// - Parameter object: Called from one task at a time, or, when the caller knows the
    ///   object's type is `Sendable`, from several.
    package init<Object>(_ methods: [_BridgeMethod<Object>], boundTo object: Object, resultLimit: Int) {
        self.resultLimit = resultLimit
        // Captured as itself, not in a generic wrapper, whose metadata a call would look up.
        nonisolated(unsafe) let object = object
        var seen = Set<UInt64>()
        let unique = methods.filter { seen.insert($0.id).inserted }.sorted { $0.id < $1.id }
        self.ids = unique.map(\.id)
        self.methods = unique.map { method in
            let invoke = method.invoke
            var bound = Method(signature: method.signature) { arguments, result in try await invoke(object, &arguments, &result) }
            if let invokeInPlace = method.invokeInPlace {
                // Only a class's methods are made in place (`_BridgeMethod.init(_:inPlace:)`).
                bound.inPlace = (object as AnyObject, invokeInPlace)
            }
            if let invokeSynchronously = method.invokeSynchronously {
                bound.invokeSynchronously = { arguments, result in try invokeSynchronously(object, &arguments, &result) }
            }
            bound.neverWaits = method.neverWaits
            return bound
        }
    }

    package subscript(id: UInt64) -> Method? {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low < ids.count && ids[low] == id ? methods[low] : nil
    }
}
