import Bridge

/// What a host does before it says it is ready, so that a host launched ahead of time
/// (`BridgeReserve`) has done it when a bridge takes it.
///
/// The Swift runtime looks up a type's protocol conformances the first time the type meets a
/// cast or a generic decode, by scanning every conformance record in the process (with
/// Foundation loaded, a millisecond or more for the first scans, which fault the records in),
/// and then caches what it found. The hello's decoding met a dozen such lookups; done here, on
/// a hello made up with every field set, they are cached before the real one comes (a host
/// taken from a reserve answered its hello in 0.8 ms of CPU instead of 2.1 ms). The real
/// type's own lookups cannot be made ahead: it is not known yet. (Casting an unrelated type to
/// the same protocols here, to fault the records in, measured no better.)
enum HostWarmUp {
    static func run() {
        var options = BridgeOptions(workingDirectory: "/", user: "0", group: "0")
        options.limits = BridgeLimits(addressSpace: 1 << 40, cpuTime: .seconds(1 << 20), openFiles: 1 << 20, processes: 1 << 20, fileSize: 1 << 40, coreDumps: true)
        options.network = .none
        options.filesystem = .readOnly(writable: ["/"])
        options.noNewPrivileges = true
        let interface = _BridgeInterfaceDescription(name: "", signatures: [""])
        // Every field set, and every optional one empty (which decodes by other paths).
        let full = Hello(realType: "", realTypeName: "", interface: interface, options: options, configuration: [0])
        let empty = Hello(realType: "", realTypeName: "", interface: interface, options: BridgeOptions())
        for hello in [full, empty] {
            guard let frame = try? _WireWriter.helloFrame(hello) else { return }
            var reader = _WireReader(bytes: frame.bytes, startingAt: Frame.headerSize + 4)
            _ = try? reader.decode(Hello.self)
        }
        _ = full.mismatch(with: _BridgeInterfaceDescription(name: "", signatures: ["", " "]))
    }
}
