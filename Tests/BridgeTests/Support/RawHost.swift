@testable import Bridge
import Foundation

/// A host started and spoken to frame by frame, to say what no well-behaved parent says.
final class RawHost {
    let pid: ProcessID
    private let socket: FileDescriptor
    private let side: FileDescriptor
    private let reader: FrameReader

    init() throws {
        let (parentEnd, hostEnd) = try System.socketPair()
        let (parentSide, hostSide) = try System.socketPair()
        pid = try System.spawnHost(
            path: System.currentExecutablePath(), arguments: ["raw-host"],
            environment: ["\(System.hostVariable)=3:\(getpid())"], bridge: hostEnd, side: hostSide)
        System.close(hostEnd)
        System.close(hostSide)
        socket = parentEnd
        side = parentSide
        reader = FrameReader(parentEnd)
        // Every host says it is ready first.
        guard let ready = try reader.next(), ready.kind == .ready else { throw RawHostError.notReady }
    }

    deinit {
        System.close(socket)
        System.close(side)
        System.signal(pid, System.killSignal)
        _ = System.reap(pid, block: true)
    }

    /// Sends a frame and reads the answer; nil when the host closed the connection instead.
    func exchange(_ frame: _WireWriter) throws -> Frame? {
        try socket.send(frame)
        return try reader.next()
    }

    func closeConnection() { System.shutdown(socket) }

    func waitForExit() -> HostTermination? { System.reap(pid, block: true) }
}

enum RawHostError: Error { case notReady }

/// A call frame as a parent writes it, header filled in: for tests that speak frames directly.
/// - Parameters:
///   - object: The object called; 0 is the host's real object.
///   - id: The method's id; see `method`.
func call(object: UInt32 = 0, id: UInt64, callID: UInt32, _ arguments: (inout _WireWriter) throws -> Void) throws -> _WireWriter {
    var frame = _WireWriter.call(objectID: object, methodID: id)
    try arguments(&frame)
    frame.setFrameHeader(.call, callID: callID)
    return frame
}

/// A call frame naming the method by its wire signature.
func call(object: UInt32 = 0, method signature: String, callID: UInt32, _ arguments: (inout _WireWriter) throws -> Void) throws -> _WireWriter {
    try call(object: object, id: _BridgeInterfaceDescription.methodID(of: signature), callID: callID, arguments)
}
