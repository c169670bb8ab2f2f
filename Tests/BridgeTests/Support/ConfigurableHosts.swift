import Bridge

struct TallySettings: Codable, Sendable, Equatable {
    var start: Int
    var label: String
    var refuse: Bool = false
}

enum TallyError: Error, Codable, Equatable {
    case refused(label: String)
}

protocol Tally: Bridged {
    func next() async throws -> Int
    func settings() async throws -> TallySettings
}

/// Created only with a configuration: it has no `init()`.
final class ConfiguredTally: Tally, BridgeConfigurable {
    private let configuration: TallySettings
    private var count: Int

    init(configuration: TallySettings) throws {
        if configuration.refuse { throw TallyError.refused(label: configuration.label) }
        self.configuration = configuration
        self.count = configuration.start
    }

    func next() async throws -> Int {
        count += 1
        return count
    }

    func settings() async throws -> TallySettings { configuration }
}

/// A struct real type, found by `Module.Type` through its mangled name.
struct PlainTally: Tally {
    init() {}
    func next() async throws -> Int { 1 }
    func settings() async throws -> TallySettings { TallySettings(start: 0, label: "plain") }
}

/// Stand-ins that name real types by `Module.Type`, as a parent that does not link them would.
enum RemoteSandbox: BridgeStartable {
    typealias BridgeClient = SandboxClient
    static let bridgeRealTypeName = "BridgeTests.LocalSandbox"
}

enum RemotePlainTally: BridgeStartable {
    typealias BridgeClient = TallyClient
    static let bridgeRealTypeName = "BridgeTests.PlainTally"
}

enum RemoteMissing: BridgeStartable {
    typealias BridgeClient = TallyClient
    static let bridgeRealTypeName = "BridgeTests.NoSuchTally"
}
