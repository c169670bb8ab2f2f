/// The first frame a parent sends: which type to serve, and the interface it will call.
package struct Hello: Codable, Sendable {
    /// The real type's mangled name (or `Module.Type`), looked up in the host binary's own metadata.
    package var realType: String
    /// The real type's name for people.
    package var realTypeName: String
    package var interfaceName: String
    package var signatures: [String]
    package var workingDirectory: String?
    /// The user and group to switch to before the real type is created, by name or numeric id.
    package var user: String?
    package var group: String?
    /// Whether the parent reads the host's output line by line, so the host should flush each.
    package var linesOfOutput: Bool
    /// The real type's configuration, encoded, for a `BridgeConfigurable` type.
    package var configuration: [UInt8]?
    /// The largest payload either side sends or accepts (`BridgeOptions.maximumMessageSize`).
    package var maximumMessageSize: Int
    /// The limits, namespaces and no-new-privileges the host confines itself to.
    package var confinement: HostConfinement

    package init(
        realType: String, realTypeName: String, interface: _BridgeInterfaceDescription, options: BridgeOptions,
        configuration: [UInt8]? = nil
    ) {
        self.realType = realType
        self.realTypeName = realTypeName
        self.interfaceName = interface.name
        self.signatures = interface.signatures
        self.workingDirectory = options.workingDirectory
        self.user = options.user
        self.group = options.group
        if case .lines = options.output { linesOfOutput = true } else { linesOfOutput = false }
        self.configuration = configuration
        self.maximumMessageSize = options.maximumMessageSize
        self.confinement = HostConfinement(options)
    }

    /// Why `interface` (the host's) does not serve this parent's interface, or nil if it does.
    package func mismatch(with interface: _BridgeInterfaceDescription) -> String? {
        guard interface.name != interfaceName || Set(interface.signatures) != Set(signatures) else { return nil }
        if interface.name != interfaceName {
            return "the caller expects protocol '\(interfaceName)', the host serves '\(interface.name)'"
        }
        let hostOnly = interface.signatures.filter { !signatures.contains($0) }
        let callerOnly = signatures.filter { !interface.signatures.contains($0) }
        var parts: [String] = []
        if !callerOnly.isEmpty {
            parts.append("the host lacks \(callerOnly.map { "'\($0)'" }.joined(separator: ", "))")
        }
        if !hostOnly.isEmpty {
            parts.append("the host has \(hostOnly.map { "'\($0)'" }.joined(separator: ", ")) instead")
        }
        return "protocol '\(interfaceName)' differs: " + parts.joined(separator: "; ")
    }
}

extension _WireWriter {
    /// A hello frame: the wire version, raw, so that any later change of the encoding is still
    /// recognized; then the `Hello`.
    package static func helloFrame(_ hello: Hello) throws -> _WireWriter {
        var frame = _WireWriter.frame()
        frame.writeUInt32LittleEndian(Frame.wireVersion)
        try frame.encode(hello)
        frame.setFrameHeader(.hello, callID: 0)
        return frame
    }
}
