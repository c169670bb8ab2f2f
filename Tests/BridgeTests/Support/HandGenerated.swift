// TEMPORARY: what BridgeGen will generate, written by hand until the generator lands.
import Bridge
import Foundation

struct SandboxClient: Sandbox, _BridgeClient {
    static let _bridgeInterface = _BridgeInterfaceDescription(name: "Sandbox", signatures: [
        "changeDirectory(to:String) async throws",
        "currentDirectory() async throws -> String",
        "run(_:[String]) throws -> Int32",
        "add(_:Int,_:Int) async throws -> Int",
        "facts() async throws -> HostFacts",
        "fail(path:String) async throws",
        "failOpaquely() async throws",
        "exit(status:Int32) async throws",
        "raise(signal:Int32) async throws",
        "hang() async throws",
        "environment() async throws -> [String:String]",
        "startNestedHost(frozen:Bool) async throws -> Int32",
        "var name:String async throws",
    ])
    let _connection: _BridgeConnection
    init(_connection: _BridgeConnection) { self._connection = _connection }

    func changeDirectory(to path: String) async throws {
        try await _connection.call(Self._bridgeInterface, 0, arguments: { try $0.encode(path) }, result: { _ in })
    }
    func currentDirectory() async throws -> String {
        try await _connection.call(Self._bridgeInterface, 1, arguments: { _ in }, result: { try $0.decode(String.self) })
    }
    func run(_ argv: [String]) throws -> Int32 {
        try _connection.callBlocking(Self._bridgeInterface, 2, arguments: { try $0.encode(argv) }, result: { try $0.decode(Int32.self) })
    }
    func add(_ a: Int, _ b: Int) async throws -> Int {
        try await _connection.call(Self._bridgeInterface, 3, arguments: { try $0.encode(a); try $0.encode(b) }, result: { try $0.decode(Int.self) })
    }
    func facts() async throws -> HostFacts {
        try await _connection.call(Self._bridgeInterface, 4, arguments: { _ in }, result: { try $0.decode(HostFacts.self) })
    }
    func fail(path: String) async throws {
        try await _connection.call(Self._bridgeInterface, 5, arguments: { try $0.encode(path) }, result: { _ in })
    }
    func failOpaquely() async throws {
        try await _connection.call(Self._bridgeInterface, 6, arguments: { _ in }, result: { _ in })
    }
    func exit(status: Int32) async throws {
        try await _connection.call(Self._bridgeInterface, 7, arguments: { try $0.encode(status) }, result: { _ in })
    }
    func raise(signal: Int32) async throws {
        try await _connection.call(Self._bridgeInterface, 8, arguments: { try $0.encode(signal) }, result: { _ in })
    }
    func hang() async throws {
        try await _connection.call(Self._bridgeInterface, 9, arguments: { _ in }, result: { _ in })
    }
    func environment() async throws -> [String: String] {
        try await _connection.call(Self._bridgeInterface, 10, arguments: { _ in }, result: { try $0.decode([String: String].self) })
    }
    func startNestedHost(frozen: Bool) async throws -> Int32 {
        try await _connection.call(Self._bridgeInterface, 11, arguments: { try $0.encode(frozen) }, result: { try $0.decode(Int32.self) })
    }
    var name: String {
        get async throws { try await _connection.call(Self._bridgeInterface, 12, arguments: { _ in }, result: { try $0.decode(String.self) }) }
    }
}

extension Sandbox {
    static var _bridgeSandboxMethods: [_BridgeMethod<Self>] {
        [
            _BridgeMethod("changeDirectory(to:String) async throws") { real, arguments, result in
                let argument0 = try arguments.decode(String.self)
                try await real.changeDirectory(to: argument0)
            },
            _BridgeMethod("currentDirectory() async throws -> String") { real, arguments, result in
                try result.encode(try await real.currentDirectory())
            },
            _BridgeMethod("run(_:[String]) throws -> Int32") { real, arguments, result in
                let argument0 = try arguments.decode([String].self)
                try result.encode(try real.run(argument0))
            },
            _BridgeMethod("add(_:Int,_:Int) async throws -> Int") { real, arguments, result in
                let argument0 = try arguments.decode(Int.self)
                let argument1 = try arguments.decode(Int.self)
                try result.encode(try await real.add(argument0, argument1))
            },
            _BridgeMethod("facts() async throws -> HostFacts") { real, arguments, result in
                try result.encode(try await real.facts())
            },
            _BridgeMethod("fail(path:String) async throws") { real, arguments, result in
                let argument0 = try arguments.decode(String.self)
                try await real.fail(path: argument0)
            },
            _BridgeMethod("failOpaquely() async throws") { real, arguments, result in
                try await real.failOpaquely()
            },
            _BridgeMethod("exit(status:Int32) async throws") { real, arguments, result in
                let argument0 = try arguments.decode(Int32.self)
                try await real.exit(status: argument0)
            },
            _BridgeMethod("raise(signal:Int32) async throws") { real, arguments, result in
                let argument0 = try arguments.decode(Int32.self)
                try await real.raise(signal: argument0)
            },
            _BridgeMethod("hang() async throws") { real, arguments, result in
                try await real.hang()
            },
            _BridgeMethod("environment() async throws -> [String:String]") { real, arguments, result in
                try result.encode(try await real.environment())
            },
            _BridgeMethod("startNestedHost(frozen:Bool) async throws -> Int32") { real, arguments, result in
                let argument0 = try arguments.decode(Bool.self)
                try result.encode(try await real.startNestedHost(frozen: argument0))
            },
            _BridgeMethod("var name:String async throws") { real, arguments, result in
                try result.encode(try await real.name)
            },
        ]
    }
}

extension BridgeHostable where Self: Sandbox, BridgeClient == SandboxClient {
    static var _bridgeMethods: [_BridgeMethod<Self>] { _bridgeSandboxMethods }
}

extension LocalSandbox: BridgeHostable {
    typealias BridgeClient = SandboxClient
}
