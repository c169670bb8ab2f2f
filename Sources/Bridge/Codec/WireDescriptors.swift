/// The open descriptors one message carries beside its bytes, which its values name by index
/// (the `descriptor` tag): the sender's duplicates until they are sent, or the receiver's
/// until a decoded value takes them. Whatever is still here when the last reference goes is
/// closed, so that a message that was never sent, never decoded or decoded only in part
/// leaks nothing.
///
/// One party uses it at a time (the writer of a message, then its sender; the reader of a
/// message, then its decoder), handing it on with the message: hence `@unchecked Sendable`.
package final class WireDescriptors: @unchecked Sendable {
    /// The descriptors in order; -1 for one a value has taken.
    private var descriptors: [CInt]

    /// An empty list, for a writer.
    package init() {
        descriptors = []
        lost = nil
    }

    /// Why the descriptors the message carried are not here, when this process could not take
    /// them: a value that names one throws it.
    package let lost: BridgeError?

    /// The descriptors a message came with; the list owns them.
    package init(received: [CInt]) {
        descriptors = received
        lost = nil
    }

    /// For a message whose descriptors this process could not take.
    package init(lost reason: BridgeError) {
        descriptors = []
        lost = reason
    }

    deinit {
        for descriptor in descriptors where descriptor >= 0 { System.close(descriptor) }
    }

    /// How many descriptors the message carries.
    package var count: Int { descriptors.count }

    /// Adds a descriptor the list owns from now on; returns its index.
    func append(_ descriptor: CInt) -> Int {
        descriptors.append(descriptor)
        return descriptors.count - 1
    }

    /// Gives up the descriptor at `index` to the caller, who closes it.
    func take(at index: UInt64, offset: Int) throws(WireFormatError) -> CInt {
        guard index < UInt64(descriptors.count) else {
            throw WireFormatError(kind: .corrupted, message: "descriptor \(index) at byte offset \(offset) is not among the \(descriptors.count) the message carries")
        }
        let descriptor = descriptors[Int(index)]
        guard descriptor >= 0 else {
            throw WireFormatError(kind: .corrupted, message: "descriptor \(index) at byte offset \(offset) was already taken by another value")
        }
        descriptors[Int(index)] = -1
        return descriptor
    }

    /// Calls `body` with the descriptors, for sending them; the list still owns them.
    package func withUnsafeDescriptors<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<CInt>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try descriptors.withUnsafeBufferPointer(body)
    }
}

extension _WireWriter {
    /// Writes a descriptor as the next value: the tag and its index among the message's
    /// descriptors, which owns `duplicate` from now on (and closes it, even if this throws).
    /// - Parameter typeName: The value's type, to name in the error.
    /// - Throws: `EncodingError` when this writer's bytes do not go over a bridge's socket
    ///   (`carriesDescriptors` is false).
    mutating func writeDescriptor(_ duplicate: CInt, typeName: String, codingPath: [any CodingKey]) throws {
        guard carriesDescriptors else {
            System.close(duplicate)
            throw EncodingError.invalidValue(duplicate, EncodingError.Context(
                codingPath: codingPath,
                debugDescription: "a \(typeName) can only be encoded by a bridge, as (part of) a call's argument, its result, a stream's element or a callback's argument; it cannot be written here"))
        }
        let list = descriptors ?? WireDescriptors()
        descriptors = list
        let index = list.append(duplicate)
        writeTag(.descriptor)
        writeVarint(UInt64(index))
    }
}

extension _WireReader {
    /// Reads a descriptor value and takes it from the message: the caller owns it.
    mutating func readDescriptor() throws(WireFormatError) -> CInt {
        skipSomeTags()
        let start = offset
        let tag = try readTag()
        guard tag == .descriptor else {
            throw WireFormatError(kind: .typeMismatch(CInt.self), message: "expected a descriptor but found \(tag.name) at byte offset \(start)")
        }
        let index = try readVarint()
        guard let descriptors else {
            throw WireFormatError(kind: .corrupted, message: "a descriptor at byte offset \(start) in a message that carries none (only a bridge's messages carry descriptors)")
        }
        return try descriptors.take(at: index, offset: start)
    }
}
