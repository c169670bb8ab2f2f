@testable import Bridge
import Foundation
import Testing

@Suite struct FrameReaderTests {
    @Test func theSocketsTimeoutChangesAtMostOnceAMillisecond() {
        // From a millisecond on, rounded down to whole milliseconds: a wait never runs past
        // what was asked, and a countdown to a deadline asks for the same value for a while.
        #expect(FrameReader.settable(.microseconds(9_999)) == .milliseconds(9))
        #expect(FrameReader.settable(.microseconds(9_001)) == .milliseconds(9))
        #expect(FrameReader.settable(.milliseconds(10)) == .milliseconds(10))
        #expect(FrameReader.settable(.seconds(3) + .nanoseconds(999_999)) == .seconds(3))
        #expect(FrameReader.settable(.milliseconds(1)) == .milliseconds(1))
        // Under a millisecond, as asked: rounding down would make it none, a wait for ever.
        #expect(FrameReader.settable(.microseconds(999)) == .microseconds(999))
        #expect(FrameReader.settable(.nanoseconds(1)) == .nanoseconds(1))
    }

    /// A socket pair whose first end a reader reads; the bytes go in through the second.
    private func connected(_ bytes: [UInt8]) throws -> FileDescriptor {
        let (reading, writing) = try System.socketPair()
        try bytes.withUnsafeBytes { try System.sendAll(writing, $0) }
        System.close(writing)
        return reading
    }

    private func frame(payloadSize: Int) -> [UInt8] {
        var writer = _WireWriter.frame()
        [UInt8](repeating: 7, count: payloadSize).withUnsafeBytes { writer.writeRaw($0) }
        writer.setFrameHeader(.returned, callID: 9)
        return writer.bytes
    }

    @Test func frameAtTheLimitIsRead() throws {
        let socket = try connected(frame(payloadSize: 1_000))
        defer { System.close(socket) }
        let frame = try #require(try FrameReader(socket, maximumPayloadSize: 1_000).next())
        #expect(frame.payload.count == 1_000)
        #expect(frame.callID == 9)
    }

    @Test func frameOverTheLimitEndsReadingNamingSizeAndLimit() throws {
        // Only the header is sent: the reader must refuse without waiting for the payload.
        let socket = try connected(Array(frame(payloadSize: 1_001).prefix(Frame.headerSize)))
        defer { System.close(socket) }
        #expect(throws: BridgeError.messageTooLarge(method: nil, size: 1_001, limit: 1_000)) {
            try FrameReader(socket, maximumPayloadSize: 1_000).next()
        }
        let error = BridgeError.messageTooLarge(method: nil, size: 1_001, limit: 1_000)
        #expect(error.description.contains("1001 bytes, over the limit of 1000 bytes (BridgeOptions.maximumMessageSize)"))
    }

    @Test func senderRefusesAnOversizedPayloadNamingTheMethod() throws {
        var writer = _WireWriter.frame()
        writer.writeUInt64LittleEndian(1)
        #expect(throws: Never.self) { try writer.checkPayloadSize(limit: 8, method: "put(_:Data)") }
        try writer.encode("more")
        let error = #expect(throws: BridgeError.self) { try writer.checkPayloadSize(limit: 8, method: "put(_:Data)") }
        #expect(error == .messageTooLarge(method: "put(_:Data)", size: writer.bytes.count - Frame.headerSize, limit: 8))
        #expect(error?.description.contains("refused to send 'put(_:Data)'") == true)
    }

    @Test func helloCarriesTheLimit() throws {
        var options = BridgeOptions()
        options.maximumMessageSize = 5 << 20
        let frame = try _WireWriter.helloFrame(Hello(
            realType: "T", realTypeName: "T", interface: _BridgeInterfaceDescription(name: "P", signatures: []), options: options))
        var reader = _WireReader(bytes: frame.bytes, startingAt: Frame.headerSize + 4)
        let hello = try reader.decode(Hello.self)
        #expect(hello.maximumMessageSize == 5 << 20)
    }
}

/// A peer that stops in the middle of a frame costs a reader its timeout, not its thread; the
/// part that came is kept for the next read.
@Suite struct FrameReaderStallTests {
    private func frame(payloadSize: Int, callID: UInt32) -> [UInt8] {
        var writer = _WireWriter.frame()
        (0..<payloadSize).map { UInt8(truncatingIfNeeded: $0 * 7) }.withUnsafeBytes { writer.writeRaw($0) }
        writer.setFrameHeader(.returned, callID: callID)
        return writer.bytes
    }

    @Test(arguments: [
        (100, 4),  // inside the header
        (100, Frame.headerSize + 10),  // inside a small payload
        (1 << 20, Frame.headerSize + 300_000),  // inside a large payload
    ])
    func aFrameCutShortTimesOutAndIsCompletedByTheNextRead(payloadSize: Int, cut: Int) throws {
        let (reading, writing) = try System.socketPair()
        defer { System.close(reading); System.close(writing) }
        let bytes = frame(payloadSize: payloadSize, callID: 5) + frame(payloadSize: 3, callID: 6)
        let reader = FrameReader(reading)
        // A large frame fills the socket buffer: the writer goes on in a thread of its own.
        let firstPart = Thread { bytes.prefix(cut).withUnsafeBytes { _ = try? System.sendAll(writing, $0) } }
        firstPart.start()
        var arrivals = 0
        var stalled = false
        // Reads until the peer stops: then a read runs out of time instead of waiting on.
        while !stalled {
            switch try reader.next(waitingAtMost: .milliseconds(100)) {
            case .timedOut: stalled = true
            case .frame: Issue.record("a frame cut short came whole")
            case .closed: Issue.record("the connection ended")
            }
            arrivals += 1
            if arrivals > 100 { break }
        }
        #expect(stalled)
        let rest = Thread { Array(bytes.dropFirst(cut)).withUnsafeBytes { _ = try? System.sendAll(writing, $0) } }
        rest.start()
        guard case .frame(let first) = try reader.next(waitingAtMost: .seconds(10)),
              case .frame(let second) = try reader.next(waitingAtMost: .seconds(10))
        else {
            Issue.record("the frames did not come whole after the rest was sent")
            return
        }
        #expect(first.callID == 5 && first.payload == Array(bytes[Frame.headerSize..<(Frame.headerSize + payloadSize)]))
        #expect(second.callID == 6 && second.payload.count == 3)
    }

    @Test func aFrameCutShortByTheEndIsTheEnd() throws {
        let (reading, writing) = try System.socketPair()
        defer { System.close(reading) }
        try Array(frame(payloadSize: 100, callID: 5).prefix(50)).withUnsafeBytes { try System.sendAll(writing, $0) }
        System.close(writing)
        let reader = FrameReader(reading)
        guard case .closed = try reader.next(waitingAtMost: .seconds(10)) else {
            Issue.record("a frame cut short by the end of the connection was not its end")
            return
        }
        guard case .closed = try reader.next(waitingAtMost: .seconds(10)) else {
            Issue.record("reading after the end found something")
            return
        }
    }
}
