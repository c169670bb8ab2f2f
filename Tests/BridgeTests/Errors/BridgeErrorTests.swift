import Bridge
import Foundation
import Testing

/// `BridgeError` as users see it: a code to match, the facts, a message, and the same value
/// after crossing the wire (a host refuses a handshake with one) or JSON (users log them).
@Suite struct BridgeErrorTests {
    @Test func codeAndFactsCanBeMatchedInACatch() {
        let error = BridgeError.hostExited(processID: 812, termination: .signaled(9), method: "run(_:[String]) throws -> Int32")
        do {
            throw error
        } catch let caught as BridgeError where caught.code == .hostExited {
            #expect(caught.processID == 812)
            #expect(caught.termination == .signaled(9))
            #expect(caught.method == "run(_:[String]) throws -> Int32")
        } catch {
            Issue.record("not caught as hostExited: \(error)")
        }
    }

    @Test func descriptionSaysWhatHappenedAndWhatToDo() {
        let exited = BridgeError.hostExited(processID: 812, termination: .exited(3), method: "greet(_:String)")
        #expect(exited.description == "Bridge host (pid 812) exited with status 3 while 'greet(_:String)' was waiting for it. Start a new bridge to continue; the host's standard error may say why it ended.")
        let refused = BridgeError.messageTooLarge(method: "put(_:Data)", size: 70, limit: 64)
        #expect(refused.description.contains("refused to send 'put(_:Data)'"))
        #expect(refused.description.contains("raise the limit"))
        #expect((refused.size, refused.limit) == (70, 64))
        #expect("\(BridgeError.Code.timedOut)" == "timedOut")
    }

    @Test func namingTheWaitingCallKeepsTheFacts() {
        let ended = BridgeError.hostExited(processID: 5, termination: .exited(1), method: nil)
        let named = ended.naming("count() throws -> Int")
        #expect(named.code == .hostExited && named.processID == 5 && named.termination == .exited(1))
        #expect(named.method == "count() throws -> Int")
        #expect(named.description.contains("while 'count() throws -> Int' was waiting"))
        // A call made after the host ended was never sent, and says so.
        let later = ended.naming("count() throws -> Int", waiting: false)
        #expect(later.code == .hostExited && later.method == "count() throws -> Int")
        #expect(later.description.hasPrefix("Bridge host (pid 5) exited with status 1; 'count() throws -> Int' was not sent."))
        #expect(!later.description.contains("waiting"))
        let malformed = BridgeError.malformedMessage("a header of 9 bytes")
        #expect(malformed.naming("count() throws -> Int") == malformed)
    }

    @Test func survivesTheWireAndJSON() throws {
        let errors: [BridgeError] = [
            .startFailed("no such user 'nobdy'"),
            .hostExited(processID: 7, termination: .signaled(11), method: "m()"),
            .remoteError(typeName: "Module.OpaqueFailure", description: "opaque failure 42"),
            .resultTooLarge(method: "filled(count:Int)", size: 2 << 20, limit: 1 << 20),
            BridgeError(code: .parentGone, message: "made by hand"),
        ]
        for error in errors {
            var writer = _WireWriter()
            try writer.encode(error)
            var reader = _WireReader(bytes: writer.bytes)
            #expect(try reader.decode(BridgeError.self) == error)
            let json = try JSONEncoder().encode(error)
            #expect(try JSONDecoder().decode(BridgeError.self, from: json) == error)
        }
        let json = String(decoding: try JSONEncoder().encode(BridgeError.stopped(method: nil)), as: UTF8.self)
        #expect(json.contains("\"code\":\"stopped\""), "\(json)")
    }
}
