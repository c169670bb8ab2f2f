@testable import Bridge
import Foundation
import Testing

/// The host runs only what its dispatch table holds, whatever a frame asks for.
@Suite struct DispatchTests {
    @Test func unknownMethodIDGetsAnErrorAndRunsNothing() throws {
        let host = try RawHost()
        let hello = try _WireWriter.helloFrame(Hello(
            realType: _mangledTypeName(LocalSandbox.self)!, realTypeName: "LocalSandbox",
            interface: SandboxClient._bridgeInterface, options: .init()))
        #expect(try host.exchange(hello)?.kind == .welcome)

        // The arguments of exit(status: 3) under an id one bit away from exit's: had the host
        // run it, it would exit with 3 instead of answering.
        let exitID = _BridgeInterfaceDescription.methodID(of: "exit(status:Int32) async throws")
        let unknown = try #require(try host.exchange(call(id: exitID ^ 1, callID: 7) { try $0.encode(Int32(3)) }))
        #expect(unknown.kind == .threw)
        #expect(unknown.callID == 7)
        var payload = unknown.payloadReader
        let error = try payload.decode(ErrorEnvelope.self).error as? BridgeError
        #expect(error == .interfaceMismatch("the host has no method with id 0x\(String(exitID ^ 1, radix: 16)); build the caller and the host from the same source"))

        // exit's own id, on an object the bridge socket does not serve.
        let elsewhere = try #require(try host.exchange(call(object: 5, id: exitID, callID: 9) { try $0.encode(Int32(3)) }))
        #expect(elsewhere.kind == .threw)
        var elsewherePayload = elsewhere.payloadReader
        let elsewhereError = try elsewherePayload.decode(ErrorEnvelope.self).error as? BridgeError
        #expect(elsewhereError == .interfaceMismatch("a call on the bridge socket names object 5, and only the real object (0) is served there; build the caller and the host from the same source"))

        // Still serving, and the real object is untouched.
        let sum = try #require(try host.exchange(call(id: _BridgeInterfaceDescription.methodID(of: "add(_:Int,_:Int) async throws -> Int"), callID: 8) {
            try $0.encode(2)
            try $0.encode(3)
        }))
        #expect(sum.kind == .returned)
        var result = sum.payloadReader
        #expect(try result.decode(Int.self) == 5)
        host.closeConnection()
        #expect(host.waitForExit() == .exited(0))
    }
}
