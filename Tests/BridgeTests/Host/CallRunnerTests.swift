@testable import Bridge
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runners (`CallRunner`) outlive the calls they run: a parked runner must keep nothing of them,
/// or a call's arguments, the descriptors it did not take and the object it called would live
/// as long as the bridge (found by a review: the first call was captured by the runner's task,
/// the last held while it parked).
@Suite struct CallRunnerTests {
    /// A connected pair of sockets: the call carries one end, the test keeps the other, which
    /// sees the end of file once the carried end is closed. (Not the carried descriptor's
    /// number: another thread may open a file under it once it is closed.)
    private static func socketPair() throws -> (carried: CInt, kept: CInt) {
        var ends: [CInt] = [0, 0]
        try #require(socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0, &ends) == 0)
        return (ends[0], ends[1])
    }

    /// Whether the other end of `kept` was closed: a read finds the end of file at once.
    private static func peerClosed(_ kept: CInt) -> Bool {
        var byte: UInt8 = 0
        return recv(kept, &byte, 1, CInt(MSG_DONTWAIT)) == 0
    }

    /// A call whose arguments carry `descriptor`, which the method never takes: made where it
    /// is passed, so that the test keeps no copy of it.
    private static func call(carrying descriptor: CInt, methodID: UInt64) -> CallServing.Request {
        let arguments = _WireReader(bytes: Array(repeating: 7, count: 1 << 16), descriptors: WireDescriptors(received: [descriptor]))
        return CallServing.Request(objectID: 0, methodID: methodID, arguments: arguments)
    }

    @Test func aParkedRunnerKeepsNothingOfTheCallsItRan() async throws {
        let method = _BridgeMethod<Int>("f() async") { _, _, _ in await Task.yield() }
        let methods = BoundMethods([method], boundTo: 0, resultLimit: 1 << 20)
        let running = RunningCalls()
        // The first call is a new runner's; the next ones find it parked.
        for round in 1...3 {
            let (carried, kept) = try Self.socketPair()
            defer { close(kept) }
            let replied = OneShot<Bool>()
            running.start(UInt32(round), Self.call(carrying: carried, methodID: method.id), on: methods) { _ in replied.set(true) }
            #expect(await replied.wait() == true)
            #expect(await eventually(within: .seconds(10)) { running.parkedRunners == 1 })
            // Parked: the call is over, and its descriptor closed with its arguments.
            #expect(Self.peerClosed(kept), "round \(round): the parked runner still holds its call")
        }
        running.cancelAll()
    }
}
