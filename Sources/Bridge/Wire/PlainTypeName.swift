/// Which mangled type names from another process this one looks up: those of plain nominal
/// types (a module, then structs, enums or classes by name, each nested in the one before).
///
/// A mangled name may refer back to types named earlier in it, which the runtime's lookup
/// walks again at each reference: a few hundred bytes can stand for a type exponentially
/// larger than themselves (a 133-byte name of 22 nested `Dictionary` types, each naming the one
/// before twice, took `_typeByName` 1.5 s, doubling with each level). A plain nominal type's
/// name refers back to no type, only to words of its own identifiers, so its lookup takes
/// time in proportion to its length. What a host names beyond that (a generic or private
/// error type) arrives as `BridgeError.remoteError`, with its name and description.
enum PlainTypeName {
    /// Whether `name` (as `_mangledTypeName` spells it) is a plain nominal type's.
    static func isPlain(_ name: String) -> Bool {
        var rest = Array(name.utf8)[...]
        // The module: `s` for the standard library's, else its name.
        if rest.first == UInt8(ascii: "s") {
            rest.removeFirst()
        } else if !identifier(&rest) {
            return false
        }
        var types = 0
        while !rest.isEmpty {
            guard identifier(&rest), let kind = rest.popFirst(), kind == UInt8(ascii: "V") || kind == UInt8(ascii: "O") || kind == UInt8(ascii: "C")
            else { return false }
            types += 1
        }
        return types > 0
    }

    /// Reads one identifier as the runtime's demangler does: a length and that many bytes; or
    /// `0`, then words of the identifiers before (a letter each, uppercase for the last) and
    /// parts spelled out (a length and bytes), ended by the part after the last word or by a `0`.
    private static func identifier(_ rest: inout ArraySlice<UInt8>) -> Bool {
        guard let first = rest.first, isDigit(first) else { return false }
        guard first == UInt8(ascii: "0") else { return spelledOut(&rest) }
        rest.removeFirst()
        // `00` starts a punycoded identifier: not taken.
        guard rest.first != UInt8(ascii: "0") else { return false }
        var wordsGoOn = true
        repeat {
            while wordsGoOn, let letter = rest.first, isLetter(letter) {
                rest.removeFirst()
                if letter <= UInt8(ascii: "Z") { wordsGoOn = false }
            }
            if rest.first == UInt8(ascii: "0") {
                rest.removeFirst()
                break
            }
            guard spelledOut(&rest) else { return false }
        } while wordsGoOn
        return true
    }

    /// Reads a length and that many bytes.
    private static func spelledOut(_ rest: inout ArraySlice<UInt8>) -> Bool {
        var length = 0
        while let digit = rest.first, isDigit(digit) {
            length = length * 10 + Int(digit - UInt8(ascii: "0"))
            guard length <= rest.count else { return false }
            rest.removeFirst()
        }
        guard length > 0, rest.count >= length else { return false }
        rest.removeFirst(length)
        return true
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}
