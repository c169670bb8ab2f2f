import Bridge
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Greets from whichever process it runs in.
public protocol Greeter: Bridged {
    func greet(_ name: String) async throws -> String
    func processID() throws -> Int32
    /// The real and effective user ids of the process the greeter runs in.
    func userIDs() async throws -> [UInt32]
    /// Writes a greeting into an open file the caller passed (a pipe's writing end, say).
    func greet(_ name: String, into file: BridgeFileDescriptor) async throws -> Int
    /// Writes `line` to the host's standard error, as a log line.
    func log(_ line: String) async throws
    /// `count` greetings, one for each number from 1, as a stream.
    func greetings(count: Int) async throws -> AsyncThrowingStream<String, any Error>
    /// Throws `GreetingRefused` naming `name`.
    func refuse(_ name: String) async throws
}

/// What `refuse(_:)` throws: a `Codable` error of this module, which a caller in another
/// module gets back as itself. Its name repeats its module's ("Greeting"), which its mangled
/// name spells as a reference back to that word.
public struct GreetingRefused: Error, Codable, Equatable {
    public var name: String

    public init(name: String) {
        self.name = name
    }
}

/// The real greeter, created in the host.
public final class LocalGreeter: Greeter, Sendable {
    public init() {}

    public func greet(_ name: String) async throws -> String {
        "Hello, \(name), from process \(ProcessInfo.processInfo.processIdentifier)"
    }

    public func processID() throws -> Int32 { ProcessInfo.processInfo.processIdentifier }

    public func userIDs() async throws -> [UInt32] { [getuid(), geteuid()] }

    public func log(_ line: String) async throws {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    public func greet(_ name: String, into file: BridgeFileDescriptor) async throws -> Int {
        let text = Array(try await greet(name).utf8)
        return write(file.rawValue, text, text.count)
    }

    public func refuse(_ name: String) async throws {
        throw GreetingRefused(name: name)
    }

    public func greetings(count: Int) async throws -> AsyncThrowingStream<String, any Error> {
        AsyncThrowingStream { continuation in
            for number in 0..<count { continuation.yield("Hello, \(number + 1)") }
            continuation.finish()
        }
    }
}

/// The same greeter, taking calls concurrently (`BridgeConcurrentCalls`): its host runs each
/// call in a task of its own.
public final class ConcurrentGreeter: Greeter, BridgeConcurrentCalls {
    private let greeter = LocalGreeter()

    public init() {}

    public func greet(_ name: String) async throws -> String { try await greeter.greet(name) }
    public func processID() throws -> Int32 { try greeter.processID() }
    public func userIDs() async throws -> [UInt32] { try await greeter.userIDs() }
    public func greet(_ name: String, into file: BridgeFileDescriptor) async throws -> Int { try await greeter.greet(name, into: file) }
    public func log(_ line: String) async throws { try await greeter.log(line) }
    public func greetings(count: Int) async throws -> AsyncThrowingStream<String, any Error> { try await greeter.greetings(count: count) }
    public func refuse(_ name: String) async throws { try await greeter.refuse(name) }
}
