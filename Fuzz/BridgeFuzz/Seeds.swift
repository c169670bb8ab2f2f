import Bridge
import Foundation

/// The seed corpus: valid frames of each kind and encoded values, for the fuzzer to mutate.
/// `bridge-fuzz --write-seeds Fuzz/corpus` (re)writes them.
enum Seeds {
    static func all() throws -> [(name: String, bytes: [UInt8])] {
        let interface = _BridgeInterfaceDescription(name: "Sandbox", signatures: ["run(_: [String]) -> Int32", "record() -> Record"])
        var seeds: [(String, [UInt8])] = []

        let hello = Hello(realType: "7Fuzzing6RecordV", realTypeName: "Fuzzing.Record", interface: interface, options: BridgeOptions(workingDirectory: "/tmp", user: "nobody"))
        seeds.append(("frame-hello", try _WireWriter.helloFrame(hello).bytes))
        seeds.append(("frame-call", try frame(.call, callID: 1) {
            $0.writeUInt64LittleEndian(0x1234_5678_9ABC_DEF0)
            try $0.encode(Arguments(path: "/bin/true", argv: ["a", "b"], environment: ["K": "V"], data: Data([0, 1, 2])))
        }))
        seeds.append(("frame-returned", try frame(.returned, callID: 1) { try $0.encode(Record.example) }))
        seeds.append(("frame-threw", try frame(.threw, callID: 2) {
            try $0.encode(ErrorEnvelope(BridgeError.hostExited(processID: 42, termination: .signaled(9), method: "run")))
        }))
        seeds.append(("frame-refused", try frame(.refused, callID: 0) { try $0.encode(BridgeError.interfaceMismatch("differs")) }))
        let stop = try frame(.stop, callID: 0) { _ in }
        let cancel = try frame(.cancel, callID: 3) { _ in }
        seeds.append(("frames-cancel-stop", cancel + stop))

        seeds.append(("value-record", try value(Record.example)))
        seeds.append(("value-arguments", try value(Arguments(path: "p", argv: [], environment: nil, data: Data(count: 300)))))
        seeds.append(("value-kinds", try value([Record.Kind.plain, nil, .nested(.tagged("x", count: -1))])))
        seeds.append(("value-dictionary", try value(["one": Record.example])))
        return seeds
    }

    static func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, bytes) in try all() {
            try Data(bytes).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
        }
    }

    private static func frame(_ kind: FrameKind, callID: UInt32, _ payload: (inout _WireWriter) throws -> Void) throws -> [UInt8] {
        var writer = _WireWriter.frame()
        try payload(&writer)
        writer.setFrameHeader(kind, callID: callID)
        return writer.bytes
    }

    private static func value(_ value: some Encodable) throws -> [UInt8] {
        var writer = _WireWriter()
        try writer.encode(value)
        return writer.bytes
    }
}
