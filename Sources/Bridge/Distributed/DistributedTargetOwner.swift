import Distributed
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which distributed functions calls may run on an actor of type `Act`: those its own type
/// declares, and those of a protocol it conforms to (a `@Resolvable` protocol's stub included).
///
/// `executeDistributedTarget` runs whatever function a target names on whatever actor it is
/// given, reading the actor's memory as the function's own type: the runtime does not check
/// that they match. A reference resolved as another type (`TypeB.resolve(id:)` of a `TypeA`'s
/// id) ran `TypeB`'s code on the `TypeA`, and so could a host that names another type's
/// function on purpose, in its parent. So a target runs only once it is known to be the
/// actor's, from its mangled name, and with the actor's own generic arguments and `Self`; a
/// call that passed and ran is kept per type, and one that did not costs a demangling each
/// time (an error, and nothing kept for a hostile peer to fill memory with).
///
/// Fails closed: a protocol nested in a type, or one whose name needs more than ASCII, is not
/// found, and calls to its functions through another type are refused.
final class DistributedTargetOwner<Act: DistributedActor>: Sendable {
    /// `Module.Outer.Type`, as `comparable` makes names.
    private let typeName = DistributedTargetOwner.comparable(String(reflecting: Act.self))
    /// `Act`'s generic arguments, as `String(reflecting:)` names them: a call's first
    /// substitutions must name these. Nil for a name that could not be read: then every call
    /// to the type's own functions is refused.
    private let ownArguments = DistributedTargetOwner.genericArguments(in: String(reflecting: Act.self))?.map(String.init)
    /// Targets with their substitutions that ran, so passed: what a peer sends that never
    /// ran is not kept. A generic function runs with any substitutions that meet its
    /// requirements (`[Int]`, `[[Int]]`, ...), so a peer could still grow this without end:
    /// it keeps `mostRemembered`, and calls beyond them are checked each time.
    private let known = Locked<Set<Call>>([])
    static var mostRemembered: Int { 1024 }

    /// The longest target or substitution name checked: the runtime's are a few hundred bytes.
    static var longestName: Int { 4096 }
    /// The most generic substitutions a checked call may carry.
    static var mostSubstitutions: Int { 32 }

    private struct Call: Hashable {
        var target: DistributedTarget
        var substitutions: [String]
    }

    init() {}

    /// Throws unless `target` is a function of `actor`'s type, with the actor's own generic
    /// arguments, or of a protocol it conforms to, with the actor as `Self`.
    ///
    /// The generic substitutions are the caller's (`InvocationDecoder` looks them up by name),
    /// and the runtime checks only that they meet the function's requirements: a `Box<Double>`
    /// reference to a `Box<Int>`, or a protocol extension's function with another conforming
    /// type as `Self`, would read the actor's memory as the other type's.
    func check(
        _ target: DistributedTarget, substitutions: [String], on actor: Act, id: BridgeActorSystem.ActorID?, in process: String
    ) throws {
        if known.withLock({ $0.contains(Call(target: target, substitutions: substitutions)) }) { return }
        // A peer's names, worked on below by the demangler and a lookup per prefix: bounded,
        // so that a hostile one costs an error, not the parent's time.
        guard target.utf8.count <= Self.longestName, substitutions.count <= Self.mostSubstitutions,
            substitutions.allSatisfy({ $0.utf8.count <= Self.longestName }),
            let context = Self.declaringContext(of: target), !context.isEmpty,
            substitutions.count >= Self.genericArgumentCount(of: target),
            owns(target, context: context, substitutions: substitutions, actor: actor)
        else {
            // Named as the demangler reads it, unless it was too long to read.
            let function = target.utf8.count <= Self.longestName
                ? RemoteCallTarget(target.identifier).description : "a function name of \(target.utf8.count) bytes"
            throw BridgeError.targetOfAnotherType(function, actorType: String(reflecting: Act.self), id: id, in: process)
        }
    }

    /// Notes that a call passed and ran, so that the next one like it skips the check.
    func ran(_ target: DistributedTarget, substitutions: [String]) {
        known.withLock { known in
            guard known.count < Self.mostRemembered else { return }
            known.insert(Call(target: target.owned, substitutions: substitutions))
        }
    }

    /// How many calls are remembered as passed: for tests.
    var rememberedCalls: Int { known.withLock { $0.count } }

    private func owns(_ target: DistributedTarget, context: String, substitutions: [String], actor: Act) -> Bool {
        if context == typeName {
            return startWithOwnArguments(substitutions)
        }
        // A `@Resolvable` protocol's stub (`Module.$Protocol`) carries its own generic
        // arguments; a protocol's extension carries `Self` first, which must be the actor's type.
        if context.split(separator: ".").last?.hasPrefix("$") != true, let first = substitutions.first {
            guard let selfType = _typeByName(first), ObjectIdentifier(selfType) == ObjectIdentifier(type(of: actor)) else { return false }
        }
        return Self.actor(actor, conformsTo: context)
    }

    /// Whether the first substitutions name `Act`'s own generic arguments, each resolved and
    /// named as `String(reflecting:)` names it. (Not by pasting them into the mangled name of
    /// the actor's type: a mangled name refers back to its own earlier words by position, so a
    /// type argument such as `Shelf.ShelfItem`, which repeats a word, named another type there.)
    /// Runs once per target and substitutions that pass.
    private func startWithOwnArguments(_ substitutions: [String]) -> Bool {
        guard let ownArguments, substitutions.count >= ownArguments.count else { return false }
        return zip(ownArguments, substitutions).allSatisfy { argument, mangled in
            guard let type = _typeByName(mangled) else { return false }
            return String(reflecting: type) == argument
        }
    }

    /// The generic arguments in a type's name as `String(reflecting:)` spells it, in order
    /// across its levels, which is the order of a generic signature's parameters:
    /// `M.Outer<A>.Inner<B, Swift.Dictionary<C, D>>` gives `A`, `B` and
    /// `Swift.Dictionary<C, D>`. An arrow's `>` (`(A) -> B`) closes nothing.
    /// - Returns: Nil for a name whose brackets do not balance, or with a name in backticks
    ///   (a raw identifier may hold any bracket): the check fails closed on those.
    static func genericArguments(in name: String) -> [Substring]? {
        guard !name.contains("`") else { return nil }
        var arguments: [Substring] = []
        var depth = 0  // angle brackets, parentheses, square and curly brackets (a pack's)
        var start: String.Index?
        var previous: Character = " "
        for index in name.indices {
            let character = name[index]
            defer { previous = character }
            switch character {
            case "<":
                if depth == 0 { start = name.index(after: index) }
                depth += 1
            case "(", "[", "{":
                depth += 1
            case ">" where previous != "-", ")", "]", "}":
                depth -= 1
                guard depth >= 0 else { return nil }
                if character == ">", depth == 0, let begun = start {
                    arguments.append(name[begun..<index].drop { $0 == " " })
                    start = nil
                }
            case "," where depth == 1 && start != nil:
                arguments.append(name[start!..<index].drop { $0 == " " })
                start = name.index(after: index)
            default:
                break
            }
        }
        return depth == 0 ? arguments : nil
    }

    /// How many generic arguments the runtime reads for `target`'s function, its context's and
    /// its own, as the function's generic environment counts them; 0 for a function that is
    /// not generic, or a name that is no distributed function's. `executeDistributedTarget`
    /// checks only that a generic function's call carries some: a call with fewer had the
    /// runtime read past them, in this process.
    static func genericArgumentCount(of target: DistributedTarget) -> Int {
        var name = target.identifier
        let environment = name.withUTF8 { bytes in
            bytes.baseAddress.flatMap { _getGenericEnvironmentOfDistributedTarget($0, UInt(bytes.count)) }
        }
        guard let environment else { return 0 }
        // A `GenericEnvironmentDescriptor` (swift/ABI/GenericContext.h): 32 bits of flags, the
        // low 12 counting the levels of genericity, then each level's cumulative count of
        // parameters in 16 bits; the last is all of them.
        let levels = Int(environment.load(as: UInt32.self) & 0xFFF)
        guard levels > 0 else { return 0 }
        return Int(environment.load(fromByteOffset: 4 + 2 * (levels - 1), as: UInt16.self))
    }

    /// The type or protocol that declares `target`'s function, as `Module.Outer.Type` without
    /// generic arguments; nil when the name is not a distributed thunk's.
    static func declaringContext(of target: DistributedTarget) -> String? {
        guard let demangled = demangle(target.identifier) else { return nil }
        // "distributed thunk Module.Type.function(Label) async throws -> Result"; a protocol
        // extension's context reads "(extension in Module):Module.Protocol", a generic
        // function's name "function<A where A: Swift.Decodable>(A)".
        let thunk = "distributed thunk "
        guard demangled.hasPrefix(thunk) else { return nil }
        var name = demangled.dropFirst(thunk.count)
        if name.hasPrefix("(extension in "), let colon = name.firstIndex(of: ":") {
            name = name[name.index(after: colon)...]
        }
        // The last dot outside brackets before the parameters ends the context. A parenthesis
        // that opens a name part, `Module.(Type in _1A2B…)` for a private type, is a bracket;
        // one after a name is the parameter list.
        var depth = 0
        var lastDot: Substring.Index?
        var previous: Character = "."
        for index in name.indices {
            let character = name[index]
            defer { previous = character }
            switch character {
            case "<": depth += 1
            case ">", ")": depth -= 1
            case "." where depth == 0: lastDot = index
            case "(" where depth > 0 || previous == ".": depth += 1
            case "(":
                return lastDot.map { comparable(String(name[..<$0])) }
            default: break
            }
        }
        return nil
    }

    /// Whether `actor` conforms to the top-level protocol `context` names (`Module.Protocol`),
    /// or, for a `@Resolvable` protocol's stub (`Module.$Protocol`), to that protocol.
    private static func actor(_ actor: Act, conformsTo context: String) -> Bool {
        let parts = context.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, var name = parts.last, let module = parts.first else { return false }
        if name.hasPrefix("$") { name = name.dropFirst() }
        guard !module.isEmpty, !name.isEmpty, (module + name).utf8.allSatisfy({ $0 < 0x80 }) else { return false }
        // A protocol's mangled name: its module and name, each after its length, then `P`.
        guard let type = _typeByName("\(module.utf8.count)\(module)\(name.utf8.count)\(name)P") else { return false }
        func isInstance<Protocol>(_: Protocol.Type) -> Bool { actor is Protocol }
        return _openExistential(type, do: isInstance)
    }

    /// A type's name as both spellings of it compare: generic arguments left out
    /// (`Module.Box<Swift.Int>` is `Module.Box`), and a private type's context plain. The
    /// demangler names a private type `Module.(Type in _1A2B…)`, `String(reflecting:)`
    /// `Module.(unknown context at $5f3a…).Type`, and the runtime has no other name for it; so
    /// two private types of one name in one module compare equal, and so do a type declared
    /// in a function and a top-level type of its name: the cases the check does not tell apart.
    static func comparable(_ name: String) -> String {
        var result = ""
        var angles = 0
        var rest = Substring(name)
        while let character = rest.first {
            if character == "(", angles == 0, let close = rest.firstIndex(of: ")") {
                let group = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
                if group.hasPrefix("unknown context at ") {
                    if rest.first == "." { rest = rest.dropFirst() }
                } else if let space = group.firstIndex(of: " ") {
                    result += group[..<space]  // "Type in _1A2B…"
                }
                continue
            }
            rest = rest.dropFirst()
            if character == "<" { angles += 1 } else if character == ">" { angles -= 1 } else if angles == 0 { result.append(character) }
        }
        return result
    }

    /// The runtime's demangling of `mangled`, as `swift demangle` prints it.
    private static func demangle(_ mangled: String) -> String? {
        mangled.utf8CString.withUnsafeBufferPointer { name in
            guard let text = swiftDemangle(name.baseAddress, UInt(name.count - 1), nil, nil, 0) else { return nil }
            defer { free(text) }
            return String(cString: text)
        }
    }
}

/// The Swift runtime's demangler (`swift_demangle`, which the runtime exports for tools):
/// returns a string the caller frees, or nil when `mangledName` is not a Swift symbol.
@_silgen_name("swift_demangle")
private func swiftDemangle(
    _ mangledName: UnsafePointer<CChar>?, _ length: UInt, _ outputBuffer: UnsafeMutablePointer<CChar>?,
    _ outputBufferSize: UnsafeMutablePointer<UInt>?, _ flags: UInt32
) -> UnsafeMutablePointer<CChar>?
