import Bridge
import Foundation

/// Feeds one input to everything that reads bytes from the bridge's socket: the frame reader,
/// and the decoders of what frames carry. Any throw is fine; a trap, a hang or a runaway
/// allocation is a bug.
func fuzzOneInput(_ bytes: [UInt8]) {
    for payload in frames(in: bytes) { decodeEverything(payload) }
    decodeEverything(bytes)
}

/// The payloads of the frames that `FrameReader` reads from `bytes` arriving on a socket, up to
/// the first error or the end.
private func frames(in bytes: [UInt8]) -> [[UInt8]] {
    guard let (reading, writing) = try? System.socketPair() else { fatalError("socketpair failed") }
    defer { System.close(reading) }
    // The socket's buffer (over 200 KiB) takes every input the fuzzer makes (-max_len is
    // lower), so no writer thread is needed; then the end of the input is the peer closing.
    _ = try? bytes.withUnsafeBytes { try System.sendAll(writing, $0) }
    System.close(writing)
    let reader = FrameReader(reading)
    var payloads: [[UInt8]] = []
    while case .frame(let frame)? = try? reader.next(waitingAtMost: nil) {
        payloads.append(frame.payload)
    }
    return payloads
}

private func decodeEverything(_ bytes: [UInt8]) {
    decode(Record.self, from: bytes)
    decode(Arguments.self, from: bytes)
    decode([String: Record].self, from: bytes)
    decode([Record.Kind?].self, from: bytes)
    decode(Hello.self, from: bytes, skipping: 4)  // after the wire version
    decode(BridgeError.self, from: bytes)
    // The parent rebuilds a host's error by looking its type name up: fuzzed names included.
    var reader = _WireReader(bytes: bytes)
    if let envelope = try? reader.decode(ErrorEnvelope.self) { _ = envelope.error }
    // A call: the method id, then its arguments.
    reader = _WireReader(bytes: bytes)
    if (try? reader.readUInt64LittleEndian()) != nil {
        _ = try? reader.decode(String.self)
        _ = try? reader.decode([String].self)
        _ = try? reader.decode(Data.self)
    }
}

private func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8], skipping prefix: Int = 0) {
    guard bytes.count >= prefix else { return }
    var reader = _WireReader(bytes: bytes, startingAt: prefix)
    _ = try? reader.decode(Value.self)
}
