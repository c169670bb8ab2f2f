#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Values by distributed target (`DistributedTarget`), for the few targets of one actor type
/// that calls have run: found by the bytes of a received target as they lie in its frame.
///
/// Not a `Dictionary` keyed by the target: a lookup there copied the key's storage in and out
/// (four retains a call) and hashed its whole name. Here a lookup compares a fingerprint of
/// the name (its length and three words of it) with each entry's, in a short list, and the
/// bytes of the one that matches; it retains nothing. A peer cannot make the list long: only
/// targets that ran go in, which are the actor type's own functions.
struct TargetIndex<Value> {
    private var fingerprints: [UInt64] = []
    private var names: [[UInt8]] = []
    private var values: [Value] = []

    init() {}

    /// The value of the target whose name is `name`.
    func value(for name: UnsafeRawBufferPointer) -> Value? {
        let fingerprint = Self.fingerprint(of: name)
        for index in fingerprints.indices where fingerprints[index] == fingerprint {
            let matches = names[index].withUnsafeBytes { known in
                known.count == name.count && (name.isEmpty || memcmp(known.baseAddress!, name.baseAddress!, name.count) == 0)
            }
            if matches { return values[index] }
        }
        return nil
    }

    /// Sets the value of the target whose name is `name`.
    mutating func set(_ value: Value, for name: UnsafeRawBufferPointer) {
        let fingerprint = Self.fingerprint(of: name)
        for index in fingerprints.indices where fingerprints[index] == fingerprint {
            if names[index].elementsEqual(name) {
                values[index] = value
                return
            }
        }
        fingerprints.append(fingerprint)
        names.append(Array(name))
        values.append(value)
    }

    /// Every value, in no particular order.
    var allValues: [Value] { values }

    private static func fingerprint(of name: UnsafeRawBufferPointer) -> UInt64 {
        var fingerprint = UInt64(name.count) &* 0x9E37_79B9_7F4A_7C15
        guard name.count >= 8 else {
            for byte in name { fingerprint = (fingerprint ^ UInt64(byte)) &* 0x100_0000_01B3 }
            return fingerprint
        }
        let last = name.count - 8
        fingerprint = (fingerprint ^ name.loadUnaligned(fromByteOffset: last, as: UInt64.self)) &* 0x100_0000_01B3
        fingerprint = (fingerprint ^ name.loadUnaligned(fromByteOffset: last / 2, as: UInt64.self)) &* 0x100_0000_01B3
        return (fingerprint ^ name.loadUnaligned(fromByteOffset: last - last / 4, as: UInt64.self)) &* 0x100_0000_01B3
    }
}
