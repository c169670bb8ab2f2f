@testable import Bridge
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The descriptor channel on its own, over a socket pair in this process: batches larger than
/// one `sendmsg` carries, batches taken in another order than sent (the bridge socket's and
/// the side channel's readers share one channel), and what a hostile sender can do.
@Suite struct DescriptorChannelTests {
    /// Two channels joined by a socket pair.
    private func channels() throws -> (DescriptorChannel, DescriptorChannel) {
        let (one, other) = try System.socketPair()
        return (DescriptorChannel(socket: one), DescriptorChannel(socket: other))
    }

    @Test func aBatchLargerThanOneMessageComesWhole() throws {
        let (sending, receiving) = try channels()
        let pipe = try TestPipe()
        let duplicates = try (0..<300).map { _ in try System.duplicate(pipe.write) }
        defer { duplicates.forEach(System.close) }
        let batch = try duplicates.withUnsafeBufferPointer { try sending.send($0, waitingAtMost: .seconds(5)) }
        let received = try receiving.take(batch: batch, count: 300)
        defer { received.forEach(System.close) }
        #expect(received.count == 300)
        #expect(Set(received).count == 300)
        // Each is the pipe's writing end: the last one writes, the pipe reads it.
        #expect(Glibc.write(received[299], "x", 1) == 1)
        var byte: UInt8 = 0
        #expect(Glibc.read(pipe.read, &byte, 1) == 1 && byte == UInt8(ascii: "x"))
    }

    @Test func batchesAreTakenInAnyOrder() throws {
        let (sending, receiving) = try channels()
        let pipe = try TestPipe()
        let first = try [pipe.read].withUnsafeBufferPointer { try sending.send($0, waitingAtMost: nil) }
        let second = try [pipe.write, pipe.write].withUnsafeBufferPointer { try sending.send($0, waitingAtMost: nil) }
        let two = try receiving.take(batch: second, count: 2)
        let one = try receiving.take(batch: first, count: 1)
        defer { (one + two).forEach(System.close) }
        #expect(two.count == 2 && one.count == 1)
        #expect(openDescriptors(like: pipe.write) == 5)  // the pipe's two ends, and the three received
    }

    @Test func aBatchThatNeverCameIsMalformed() throws {
        let (_, receiving) = try channels()
        let error = #expect(throws: BridgeError.self) { try receiving.take(batch: 9, count: 1) }
        #expect(error?.code == .malformedMessage)
        #expect(error?.message.contains("did not come") == true, "\(String(describing: error))")
    }

    @Test func aFrameThatNamesFewerThanItsBatchHasIsMalformedAndLeaksNone() throws {
        let (sending, receiving) = try channels()
        let pipe = try TestPipe()
        let batch = try [pipe.read, pipe.read].withUnsafeBufferPointer { try sending.send($0, waitingAtMost: nil) }
        let error = #expect(throws: BridgeError.self) { try receiving.take(batch: batch, count: 1) }
        #expect(error?.code == .malformedMessage)
        #expect(openDescriptors(like: pipe.read) == 2)  // the pipe's two ends: the received two were closed
    }

    /// Descriptors that came and that no frame took are closed when the channel goes: a host
    /// cannot leave its parent holding them.
    @Test func batchesNobodyTookAreClosedWithTheChannel() throws {
        let pipe = try TestPipe()
        do {
            let (sending, receiving) = try channels()
            let wanted = try [pipe.read].withUnsafeBufferPointer { try sending.send($0, waitingAtMost: nil) }
            _ = try [pipe.read, pipe.read, pipe.read].withUnsafeBufferPointer { try sending.send($0, waitingAtMost: nil) }
            // Reaching the wanted batch reads past none; ask for the later one to hold the rest.
            System.close(try receiving.take(batch: wanted, count: 1).first!)
            #expect(throws: BridgeError.self) { try receiving.take(batch: wanted &+ 7, count: 1) }
            #expect(openDescriptors(like: pipe.read) == 5)  // the pipe's two ends, and three held
        }
        #expect(openDescriptors(like: pipe.read) == 2)
    }

    /// A sender whose records say one thing and carry another.
    @Test func aRecordWithoutDescriptorsIsMalformed() throws {
        let (one, other) = try System.socketPair()
        defer { System.close(one) }
        let receiving = DescriptorChannel(socket: other)
        let record = withUnsafeBytes(of: UInt32(1).littleEndian) { Array($0) } + withUnsafeBytes(of: UInt32(5).littleEndian) { Array($0) }
        try record.withUnsafeBytes { try System.sendAll(one, $0) }
        let error = #expect(throws: BridgeError.self) { try receiving.take(batch: 5, count: 1) }
        #expect(error?.code == .malformedMessage)
    }

    /// With no room on the channel (the other process takes nothing), a send gives up at its
    /// time limit instead of waiting for ever.
    @Test func aSendWithNoRoomGivesUpAtItsTimeLimit() throws {
        let (one, other) = try System.socketPair()
        defer { System.close(other) }
        let sending = DescriptorChannel(socket: one)
        let pipe = try TestPipe()
        var sent = 0
        let error = #expect(throws: SystemError.self) {
            while true {
                _ = try [pipe.read].withUnsafeBufferPointer { try sending.send($0, waitingAtMost: .milliseconds(20)) }
                sent += 1
            }
        }
        #expect(error?.code == ETIMEDOUT, "\(String(describing: error)) after \(sent) sent")
        #expect(sent > 0)
    }
}
