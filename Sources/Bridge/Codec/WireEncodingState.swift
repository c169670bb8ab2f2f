/// What every encoder and container shares while one top-level value is encoded: the output
/// buffer and the chain of open containers whose byte length is not written yet.
///
/// Codable never says when a container is finished, so containers are written one after
/// another into the one buffer. A write into a container first closes (writes the length of)
/// every container opened inside it, and a value's `encode(to:)` returning closes everything
/// it opened. Filling a container after it was closed that way is the one order the format
/// cannot express; it is detected and thrown, never written.
final class WireEncodingState {
    // The mutable stored properties here and in `WireEncoder` are `@exclusivity(unchecked)`
    // (SE-0176): Codable's hot path touches them on every value, run-time exclusivity checks
    // cost more than the writes they guard, and every access is brief and calls only the
    // codec's own writing code, never user code that could reach back here, so no two
    // accesses can overlap.
    @exclusivity(unchecked) var writer = _WireWriter(unallocated: ())

    /// The most recently opened container that is still open; each open container links to
    /// the one that was innermost before it, so this is the top of a stack.
    @exclusivity(unchecked) private var innermostOpenContainer: WireEncoder?
    /// A `superEncoder()` that has not written yet: if the next write is somebody else's, its
    /// value is `empty`, so that its key is not left without a value.
    @exclusivity(unchecked) private var pendingSuperEncoder: WireEncoder?
    /// The first misuse found where Codable gives no way to throw (`container(keyedBy:)`,
    /// `superEncoder()`); thrown by the next write into a failed container and by the
    /// top-level `encode`. An existential: one pointer to copy, unlike `EncodingError`.
    @exclusivity(unchecked) private(set) var firstMisuse: (any Error)?

    /// Encodes one top-level value at the end of `writer`, or leaves `writer` as it was and throws.
    /// `intrinsicType` is the caller's lookup, `T.self as? any IntrinsicWireEncodable.Type`.
    static func encode<T: Encodable>(
        _ value: T,
        intrinsicType: (any IntrinsicWireEncodable.Type)?,
        into writer: inout _WireWriter
    ) throws {
        let state = WireEncodingState()
        swap(&state.writer, &writer)  // borrow the caller's buffer instead of copying into it
        defer { swap(&state.writer, &writer) }
        let start = state.writer.bytes.count
        do {
            if let intrinsicType {
                try intrinsicType.encodeIntrinsically(value, into: state, at: .root)
            } else {
                try state.encodeWithEncoder(value, at: .root)
            }
            try state.closeContainers(downTo: 0)
            if let misuse = state.firstMisuse { throw misuse }
        } catch {
            state.writer.truncate(to: start)
            throw error
        }
    }

    /// Writes one value, with its tag, right here in the buffer.
    func encodeValue<T: Encodable>(_ value: T, at position: EncodingPosition) throws {
        // A metatype check: a value cast would look through an Optional and drop its `some`.
        if let intrinsicType = T.self as? any IntrinsicWireEncodable.Type {
            try intrinsicType.encodeIntrinsically(value, into: self, at: position)
        } else {
            try encodeWithEncoder(value, at: position)
        }
    }

    /// Writes a value the format has no tag for, through its `encode(to:)`.
    private func encodeWithEncoder<T: Encodable>(_ value: T, at position: EncodingPosition) throws {
        try checkNesting(at: position)
        let encoder = WireEncoder(state: self, position: position, startOffset: writer.bytes.count)
        try value.encode(to: encoder)
        try finish(encoder)
    }

    func checkNesting(at position: EncodingPosition) throws {
        guard position.level <= WireLimits.maximumNesting else {
            throw EncodingError.invalidValue(position.level, EncodingError.Context(
                codingPath: position.codingPath,
                debugDescription: "nesting deeper than \(WireLimits.maximumNesting) levels; the decoder would refuse it"
            ))
        }
    }

    // MARK: Keeping the writes in order

    /// Called before `encoder` writes its own value (a tag, or a container's tag and length).
    func begin(_ encoder: WireEncoder) throws {
        if pendingSuperEncoder === encoder {
            pendingSuperEncoder = nil
        } else {
            resolvePendingSuperEncoder()
        }
        guard case .nothing = encoder.content else {
            if case .failed = encoder.content, let firstMisuse { throw firstMisuse }
            throw misuse(at: encoder.codingPath, "this value was already written; a value holds one container or one single value")
        }
        let position = encoder.position
        guard position.enclosingContainerOwner?.isContainerOpen ?? true else {
            throw interleaving(at: encoder.codingPath)
        }
        try closeContainers(downTo: position.enclosingContainers)
        guard writer.bytes.count == encoder.startOffset else {
            throw interleaving(at: encoder.codingPath)
        }
    }

    /// Called before an entry (a key and a value, or an element) is written into the container
    /// that `encoder` opened.
    func beginEntry(inContainerOf encoder: WireEncoder) throws {
        resolvePendingSuperEncoder()
        guard encoder.isContainerOpen else {
            if case .failed = encoder.content, let firstMisuse { throw firstMisuse }
            throw interleaving(at: encoder.codingPath)
        }
        if innermostOpenContainer !== encoder {
            try closeContainers(downTo: encoder.position.enclosingContainers + 1)
        }
    }

    /// Called once a value's `encode(to:)` has returned: writes `empty` if it wrote nothing,
    /// and closes whatever it opened.
    func finish(_ encoder: WireEncoder) throws {
        resolvePendingSuperEncoder()
        if case .nothing = encoder.content {
            try begin(encoder)
            writer.writeTag(.empty)
            encoder.content = .empty
        }
        try closeContainers(downTo: encoder.position.enclosingContainers)
        if let firstMisuse { throw firstMisuse }
    }

    /// Writes a container's tag and a placeholder for its length, as `encoder`'s value.
    func openContainer(_ tag: WireTag, for encoder: WireEncoder) throws {
        try begin(encoder)
        writer.writeTag(tag)
        encoder.containerLengthOffset = writer.bytes.count
        writer.writeUInt32LittleEndian(0)
        encoder.isContainerOpen = true
        encoder.outerOpenContainer = innermostOpenContainer
        innermostOpenContainer = encoder
    }

    /// Writes the length of every open container with at least `depth` containers around it,
    /// innermost first.
    func closeContainers(downTo depth: Int) throws {
        while let container = innermostOpenContainer, container.position.enclosingContainers >= depth {
            let bodyLength = writer.bytes.count - (container.containerLengthOffset + 4)
            guard let length = UInt32(exactly: bodyLength) else {
                throw EncodingError.invalidValue(bodyLength, EncodingError.Context(
                    codingPath: container.codingPath,
                    debugDescription: "a container body of \(bodyLength) bytes exceeds the format's 4 GiB limit"
                ))
            }
            writer.patchUInt32LittleEndian(length, at: container.containerLengthOffset)
            container.isContainerOpen = false
            innermostOpenContainer = container.outerOpenContainer
            container.outerOpenContainer = nil
        }
    }

    /// Registers a `superEncoder()` that may or may not write before the next write elsewhere.
    func expectSuperEncoder(_ encoder: WireEncoder) {
        pendingSuperEncoder = encoder
    }

    /// Remembers a misuse found where Codable cannot throw; later writes and the top-level
    /// `encode` throw it.
    func record(_ error: any Error) {
        if firstMisuse == nil { firstMisuse = error }
    }

    func misuse(at codingPath: [any CodingKey], _ description: String) -> EncodingError {
        EncodingError.invalidValue(
            codingPath.map(\.stringValue).joined(separator: "."),
            EncodingError.Context(codingPath: codingPath, debugDescription: description)
        )
    }

    func interleaving(at codingPath: [any CodingKey]) -> EncodingError {
        misuse(at: codingPath, """
            the bridge codec writes containers one after another; a container cannot be filled \
            after a later sibling was started (finish each nested container or value before \
            writing to its parent again)
            """)
    }

    private func resolvePendingSuperEncoder() {
        guard let pending = pendingSuperEncoder else { return }
        pendingSuperEncoder = nil
        if case .nothing = pending.content, writer.bytes.count == pending.startOffset {
            writer.writeTag(.empty)
            pending.content = .empty
        }
    }
}
