@testable import Bridge
import Foundation
import Testing

@Suite struct HandshakeTests {
    private func hello(_ interface: _BridgeInterfaceDescription, type: String = _mangledTypeName(LocalSandbox.self)!) throws -> _WireWriter {
        try _WireWriter.helloFrame(Hello(realType: type, realTypeName: "Nope.Missing", interface: interface, options: .init()))
    }

    @Test func hostBuiltFromOtherSourceIsRefusedNamingTheMethod() throws {
        let host = try RawHost()
        let current = SandboxClient._bridgeInterface
        let changed = _BridgeInterfaceDescription(
            name: current.name,
            signatures: current.signatures.map { $0 == "add(_:Int,_:Int) async throws -> Int" ? "add(_:Int,_:Int,_:Int) async throws -> Int" : $0 })
        let answer = try #require(try host.exchange(hello(changed)))
        #expect(answer.kind == .refused)
        var payload = answer.payloadReader
        let error = try payload.decode(BridgeError.self)
        let detail = error.description
        guard error.code == .interfaceMismatch else {
            Issue.record("expected interfaceMismatch, got \(error)")
            return
        }
        #expect(detail.contains("'Sandbox'"))
        #expect(detail.contains("add(_:Int,_:Int,_:Int)"))
        #expect(detail.contains("add(_:Int,_:Int) async throws -> Int"))
        #expect(host.waitForExit() == .exited(1))
    }

    @Test func reorderedRequirementsStillServe() throws {
        let host = try RawHost()
        let current = SandboxClient._bridgeInterface
        let reordered = _BridgeInterfaceDescription(name: current.name, signatures: current.signatures.reversed())
        #expect(reordered.hash == current.hash)
        let answer = try #require(try host.exchange(hello(reordered)))
        #expect(answer.kind == .welcome)
        host.closeConnection()
        #expect(host.waitForExit() == .exited(0))
    }

    @Test func unknownTypeIsRefusedNamingIt() throws {
        let host = try RawHost()
        let answer = try #require(try host.exchange(hello(SandboxClient._bridgeInterface, type: "4Nope7MissingC")))
        var payload = answer.payloadReader
        let error = try payload.decode(BridgeError.self)
        #expect(error.description.contains("Nope.Missing"))
        #expect(host.waitForExit() == .exited(1))
    }

    @Test func wrongWireVersionIsRefused() throws {
        let host = try RawHost()
        var frame = _WireWriter.frame()
        frame.writeUInt32LittleEndian(Frame.wireVersion + 1)
        frame.setFrameHeader(.hello, callID: 0)
        let answer = try #require(try host.exchange(frame))
        var payload = answer.payloadReader
        let error = try payload.decode(BridgeError.self)
        #expect(error.description.contains("wire version \(Frame.wireVersion + 1)"))
    }

    @Test func malformedFrameEndsTheHostWithoutRunningAnything() throws {
        let host = try RawHost()
        #expect(try host.exchange(hello(SandboxClient._bridgeInterface))?.kind == .welcome)
        var frame = _WireWriter.frame()
        frame.writeUInt32LittleEndian(0xdead_beef)
        // Kind 200 does not exist.
        frame.withUnsafeMutableBytes { bytes in
            bytes.storeBytes(of: UInt32(bytes.count - 4).littleEndian, toByteOffset: 0, as: UInt32.self)
            bytes[4] = 200
        }
        #expect(try host.exchange(frame) == nil, "the host answers nothing and closes")
        #expect(host.waitForExit() == .exited(65))
    }

    @Test func hostVariableSetByMistakeGivesAClearError() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.environment = ["SWIFT_PROCESS_BRIDGE_HOST": "0:1"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 64)
        #expect(message.contains("not a Unix stream socket"))
        #expect(message.contains("yourself, unset it"))
    }
}
