import Distributed
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A distributed function's name as a call carries it: the UTF-8 of its
/// `RemoteCallTarget.identifier`, a mangled name of a hundred bytes or so.
///
/// On the wire it is a `bytes` value, not a `string`: a host finds the function by the bytes
/// as they lie in the frame, where a `String` of them cost every call an allocation, a UTF-8
/// check and a hash of its own. Compared and hashed by its bytes.
struct DistributedTarget: Sendable, Hashable {
    /// A caller's target is the runtime's `String`, written as it is; a received one is bytes.
    private enum Form {
        case identifier(String)
        case utf8(ArraySlice<UInt8>)
    }

    private let form: Form

    /// A received target: a slice of the frame it arrived in, or storage of its own.
    init(utf8: ArraySlice<UInt8>) { form = .utf8(utf8) }

    /// A target to send.
    init(_ identifier: String) { form = .identifier(identifier) }

    /// The identifier's UTF-8.
    var utf8: ArraySlice<UInt8> {
        switch form {
        case .identifier(let identifier): ArraySlice(identifier.utf8)
        case .utf8(let utf8): utf8
        }
    }

    /// The name as the runtime spells it, for `executeDistributedTarget` and messages.
    var identifier: String {
        switch form {
        case .identifier(let identifier): identifier
        case .utf8(let utf8): String(decoding: utf8, as: UTF8.self)
        }
    }

    /// Calls `body` with the identifier's UTF-8, where it lies: no copy of it, nor of the
    /// storage that holds it.
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        switch form {
        case .identifier(var identifier): try identifier.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
        case .utf8(let utf8): try utf8.withUnsafeBytes(body)
        }
    }

    /// The same name in storage of its own: to keep, where a slice would keep its whole frame
    /// from being reused.
    var owned: DistributedTarget { DistributedTarget(utf8: ArraySlice(Array(utf8))) }

    /// Writes the target as a bytes value, with no copy of it first.
    func write(to writer: inout _WireWriter) {
        switch form {
        case .identifier(var identifier):
            identifier.withUTF8 { writer.writeBytes(UnsafeRawBufferPointer($0)) }
        case .utf8(let utf8):
            utf8.withUnsafeBytes { writer.writeBytes($0) }
        }
    }

    /// Reads a target; the result shares the reader's storage.
    static func read(from reader: inout _WireReader) throws -> DistributedTarget {
        do {
            let range = try reader.readBytes(as: RemoteCallTarget.self)
            return DistributedTarget(utf8: reader.bytes[range])
        } catch {
            throw error.decodingError(codingPath: [])
        }
    }

    static func == (left: DistributedTarget, right: DistributedTarget) -> Bool {
        let (left, right) = (left.utf8, right.utf8)
        guard left.count == right.count else { return false }
        guard !left.isEmpty else { return true }
        return left.withUnsafeBytes { left in
            right.withUnsafeBytes { right in memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0 }
        }
    }

    func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
