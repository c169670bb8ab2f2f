/// What the target's type bodies and extensions say about `init()`, which a bridge's host
/// calls to create a real object: a real type without one would fail to compile inside the
/// generated file, so the generator reports it at the type instead.
///
/// Only what is certain counts: a type is said to lack `init()` when it declares none and its
/// own initializers, or a stored property without a default value, take the implicit one away.
struct InitializerFacts: Sendable {
    /// Types, by qualified name, that declare `init()` in their body or in an extension that
    /// the generated file can call: not `private` or `fileprivate`.
    var parameterless: Set<String> = []
    /// Types whose every `init()` is `private` or `fileprivate`.
    var hiddenParameterless: Set<String> = []
    /// Types whose body declares an initializer that is not `convenience`: Swift then gives
    /// them no implicit `init()`.
    var withOwnInitializers: Set<String> = []
    /// For each type, its first stored instance property without a default value: the
    /// implicit initializer then needs an argument for it.
    var storedWithoutDefault: [String: String] = [:]
    /// Types that declare `init(actorSystem:)`: a distributed actor's initializer that a
    /// `BridgeActorSystem` host calls.
    var actorSystem: Set<String> = []

    /// Adds what another file says.
    mutating func merge(_ other: InitializerFacts) {
        parameterless.formUnion(other.parameterless)
        hiddenParameterless.formUnion(other.hiddenParameterless)
        withOwnInitializers.formUnion(other.withOwnInitializers)
        storedWithoutDefault.merge(other.storedWithoutDefault) { first, _ in first }
        actorSystem.formUnion(other.actorSystem)
    }

    /// Why `declaration` certainly has no `init()` that generated code can call, or nil when it
    /// has one or may have one: what is missing, why, and what to write.
    func missingInitializer(_ declaration: TypeDeclaration) -> (what: String, why: String, fix: String)? {
        let name = declaration.qualifiedName
        guard !parameterless.contains(name), !declaration.mayGainMembersFromMacros else { return nil }
        if hiddenParameterless.contains(name) {
            return ("its 'init()' is private", "the conformance in the generated file cannot call it", "Make 'init()' at least internal")
        }
        let missing = "has no 'init()'"
        if declaration.keyword == "enum" {
            return (missing, "an enum has no 'init()' unless it declares one", "Add 'init()'")
        }
        if withOwnInitializers.contains(name) {
            return (missing, "its initializers all take arguments (default values do not make one 'init()'), and declaring them takes the implicit 'init()' away", "Add 'init()'")
        }
        if let property = storedWithoutDefault[name] {
            return (missing, "its stored property '\(property)' has no default value, so the implicit initializer needs an argument for it", "Add 'init()'")
        }
        return nil
    }
}
