@testable import Bridge
import Testing

/// The reader thread sees the peer go with no call in flight, whichever way it watches: the
/// host process's exit where the system tells it (see `BridgeEventTests`), else the socket's
/// other end closing, as here.
@Suite struct PeerEndTests {
    /// A peer with no exit descriptor, which counts how often the connection saw it go.
    private final class SocketOnlyPeer: ConnectionPeer {
        let disconnects = Locked(0)
        var name: String { "socket-only peer" }

        func disconnected(malformed: Bool) -> BridgeError {
            disconnects.withLock { $0 += 1 }
            return .hostExited(processID: 0, termination: .unknown, method: nil)
        }
    }

    @Test func withoutAnExitDescriptorTheReaderThreadSeesTheSocketClose() async throws {
        let (ours, theirs) = try System.socketPair()
        let peer = SocketOnlyPeer()
        #expect(peer.exitDescriptor == nil)
        let connection = _BridgeConnection(socket: ours, wakeUp: try System.makeWakeUpSignal(), peer: peer)
        try connection.startReading()
        System.close(theirs)
        #expect(await eventually(within: .seconds(10)) { peer.disconnects.withLock { $0 } == 1 })
    }
}
