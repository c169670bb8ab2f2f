@testable import Bridge
import Testing

/// A host's error arrives as itself when its type's name is a plain nominal type's; a name that
/// refers back to types named earlier in it, which may stand for a type far larger than itself,
/// is not looked up.
@Suite struct PlainTypeNameTests {
    /// Error types as a host names them: top-level, nested, and nested with a repeated word
    /// (`Shelf.ShelfItem` refers back to "Shelf" as a word of its own identifier).
    @Test func plainNominalTypesAreLookedUp() throws {
        for type in [SandboxError.self, StepRefused.self, Shelf.ShelfItem.self, Nested.Inner.Innermost.self] as [Any.Type] {
            let name = try #require(_mangledTypeName(type))
            #expect(PlainTypeName.isPlain(name), "\(name)")
        }
        // The standard library's own types, named after `s`.
        #expect(PlainTypeName.isPlain(try #require(_mangledTypeName(DecodingError.self))))
        // An error decodes as itself through its envelope.
        let envelope = ErrorEnvelope(SandboxError.notFound(path: "x"))
        #expect(envelope.error as? SandboxError == .notFound(path: "x"))
    }

    /// A name whose types refer back to each other doubles its type at each level: the name of
    /// `[D25: D25]`, where `D1` is `[Int: Int]` and each `Dn` is `[Dn-1: Dn-1]`, 101 bytes,
    /// would take the runtime's lookup about half a minute here (22 levels took 1.5 s). It, and
    /// any name but a plain nominal type's, is refused unread.
    @Test func namesThatReferBackAreNotLookedUp() throws {
        let levels = 26
        let backReferences = (0..<(levels - 1)).map { "A\(Character(UnicodeScalar(UInt8(65 + $0))))G" }
        let hostile = String(repeating: "SDy", count: levels) + "S2iG" + backReferences.joined()
        #expect(!PlainTypeName.isPlain(hostile))
        for name in ["Si", "SaySSG", "6Bridge6HolderCySiG", "", "0", "3ab", "6Bridge", "6BridgeX", "6Bridge00A1aV", "4main3FooVACG"] {
            #expect(!PlainTypeName.isPlain(name), "\(name)")
        }
        // The envelope of such an error arrives as `remoteError`, with its name and description.
        var envelope = ErrorEnvelope(SandboxError.notFound(path: "x"))
        envelope.mangledTypeName = hostile
        let began = ContinuousClock.now
        let error = try #require(envelope.error as? BridgeError)
        #expect(error.code == .remoteError)
        #expect(ContinuousClock.now - began < .seconds(5))  // bounded, not timed: unread
        #expect(error.message.contains("only a struct, enum or class that is not generic is looked up by name"), "\(error)")
        // A plain name this process has no type of says so, not that the type is not Codable.
        envelope.mangledTypeName = "7Nowhere7MissingV"
        let missing = try #require(envelope.error as? BridgeError)
        #expect(missing.message.contains("this process has no Codable error type of that name"), "\(missing)")
    }
}

enum Nested {
    enum Inner {
        struct Innermost: Error, Codable {}
    }
}
