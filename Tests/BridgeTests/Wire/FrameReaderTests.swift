@testable import Bridge
import Foundation
import Testing

@Suite struct FrameReaderTests {
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
