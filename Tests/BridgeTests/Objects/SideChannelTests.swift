@testable import Bridge
import Foundation
import Testing

/// The parent's end of the side channel, spoken to frame by frame as a host would: it runs only
/// the methods of objects it passed, and a malformed frame ends it.
@Suite struct SideChannelTests {
    /// A side channel with one passed `StepRecorder`, and the host's end of its socket.
    private func passedRecorder() throws -> (side: SideChannel, host: FileDescriptor, reader: FrameReader, recorder: StepRecorder, id: UInt32) {
        let (parentEnd, hostEnd) = try System.socketPair()
        let side = SideChannel(socket: parentEnd, maximumMessageSize: Frame.maximumPayloadSize, hostID: 0)
        let recorder = StepRecorder()
        let id = try side.export(recorder._bridgeExport)
        return (side, hostEnd, FrameReader(hostEnd), recorder, id)
    }

    private let report = "report(step:Int,of:Int) async throws"

    /// The next frame the parent sends, read on a thread of its own: the parent runs each call
    /// in a task, which needs a pool thread that this read must not hold.
    private func next(_ reader: FrameReader) async throws -> Frame? {
        nonisolated(unsafe) let reader = reader
        return try await onOwnThread { Result { try reader.next() } }.get()
    }

    @Test func runsACallToAPassedObject() async throws {
        let (side, host, reader, recorder, id) = try passedRecorder()
        defer { System.close(host) }
        try host.send(call(object: id, method: report, callID: 1) { try $0.encode(4); try $0.encode(9) })
        let reply = try #require(try await next(reader))
        #expect(reply.kind == .returned && reply.callID == 1)
        #expect(recorder.steps.withLock { $0 } == [4])
        #expect(side.exportedCount == 1)
    }

    @Test func refusesAnObjectItDidNotPassAndAMethodTheObjectLacks() async throws {
        let (side, host, reader, recorder, id) = try passedRecorder()
        defer { System.close(host) }
        try host.send(call(object: id + 1, method: report, callID: 2) { try $0.encode(1); try $0.encode(1) })
        let unknownObject = try #require(try await next(reader))
        #expect(unknownObject.kind == .threw && unknownObject.callID == 2)
        var payload = unknownObject.payloadReader
        #expect(try payload.decode(ErrorEnvelope.self).error as? BridgeError == .parentGone(method: nil))

        try host.send(call(object: id, method: "report(step:Int,of:Int,extra:Int) async throws", callID: 3) { try $0.encode(1) })
        let unknownMethod = try #require(try await next(reader))
        #expect(unknownMethod.kind == .threw && unknownMethod.callID == 3)
        var methodPayload = unknownMethod.payloadReader
        guard (try methodPayload.decode(ErrorEnvelope.self).error as? BridgeError)?.code == .interfaceMismatch else {
            Issue.record("expected interfaceMismatch")
            return
        }
        #expect(recorder.steps.withLock { $0 }.isEmpty, "nothing ran")
        #expect(side.exportedCount == 1)
    }

    @Test func releaseDropsTheObject() async throws {
        let (side, host, reader, _, id) = try passedRecorder()
        defer { System.close(host) }
        var release = _WireWriter.frame()
        release.writeUInt32LittleEndian(id)
        release.setFrameHeader(.release, callID: 0)
        try host.send(release)
        // Frames are served in order: once this call is answered, the release was seen.
        try host.send(call(object: id, method: report, callID: 4) { try $0.encode(1); try $0.encode(1) })
        let reply = try #require(try await next(reader))
        #expect(reply.kind == .threw)
        #expect(side.exportedCount == 0)
    }

    @Test func aMalformedFrameEndsTheSideChannelAndReleasesEverything() async throws {
        let (side, host, reader, recorder, _) = try passedRecorder()
        defer { System.close(host) }
        // A whole header, of a kind no frame has.
        let garbage: [UInt8] = [5, 0, 0, 0, 0xEE, 1, 0, 0, 0]
        try garbage.withUnsafeBytes { try System.sendAll(host, $0) }
        let end = try await next(reader)
        #expect(end == nil, "the parent closed its end")
        #expect(side.exportedCount == 0)
        #expect(throws: BridgeError.stopped(method: nil)) { try side.export(recorder._bridgeExport) }
    }
}
