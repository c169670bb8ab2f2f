/// The `Encoder` for one value: hands out the container the value writes itself into.
/// One is allocated for each value the codec cannot write directly (structs, classes, enums,
/// collections); primitives, strings, bytes and Optionals are written without one.
final class WireEncoder: Encoder {
    enum Content {
        /// Nothing written yet: the value's tag goes at `startOffset`.
        case nothing
        case keyed
        case unkeyed
        case singleValue
        /// `encode(to:)` wrote nothing; the `empty` tag stands for it.
        case empty
        /// A container could not be opened; the misuse is recorded in the state.
        case failed
    }

    let state: WireEncodingState
    let position: EncodingPosition
    /// Where this value's tag must go; anything else there means the writes interleaved.
    let startOffset: Int

    // Unchecked for exclusivity, for the reasons given in `WireEncodingState`.
    @exclusivity(unchecked) var content = Content.nothing
    /// Whether this value's container still takes entries.
    @exclusivity(unchecked) var isContainerOpen = false
    /// Where the container's u32 body length goes once it closes.
    @exclusivity(unchecked) var containerLengthOffset = 0
    /// The container that was innermost when this one opened, while this one is open.
    @exclusivity(unchecked) var outerOpenContainer: WireEncoder?

    init(state: WireEncodingState, position: EncodingPosition, startOffset: Int) {
        self.state = state
        self.position = position
        self.startOffset = startOffset
    }

    /// An encoder that throws the recorded misuse on every write.
    static func failed(in state: WireEncodingState, at position: EncodingPosition) -> WireEncoder {
        let encoder = WireEncoder(state: state, position: position, startOffset: -1)
        encoder.content = .failed
        return encoder
    }

    var codingPath: [any CodingKey] { position.codingPath }

    var userInfo: [CodingUserInfoKey: Any] {
        guard let exporter = state.writer.objectExporter else { return [:] }
        return [.bridgeObjectExporter: exporter]
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedWireEncodingContainer(encoder: containerOwner(.keyed)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedWireEncodingContainer(encoder: containerOwner(.unkeyed))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueWireEncodingContainer(encoder: self)
    }

    /// Opens this value's container, or finds the one already open: a subclass and its
    /// superclass may both ask the same encoder for a keyed container, and share it.
    /// When the request cannot be honoured, returns a failed encoder whose container throws.
    private func containerOwner(_ kind: Content) -> WireEncoder {
        switch (content, kind) {
        case (.keyed, .keyed), (.unkeyed, .unkeyed):
            return self
        case (.nothing, _):
            do {
                try state.openContainer(kind == .keyed ? .keyedContainer : .unkeyedContainer, for: self)
                content = kind
                return self
            } catch {
                state.record(error)
                content = .failed
                return self
            }
        case (.empty, _):  // a super encoder whose turn passed while it was unused
            state.record(state.interleaving(at: codingPath))
            return .failed(in: state, at: position)
        default:
            state.record(state.misuse(at: codingPath, "asked for a \(kind) container after this value was already written as \(content)"))
            return .failed(in: state, at: position)
        }
    }

    /// Creates the encoder of a value that the caller will write through containers of its
    /// own (a nested container, a super encoder); when that would nest too deeply, the
    /// returned encoder can only fail.
    static func nested(in state: WireEncodingState, at position: EncodingPosition) -> WireEncoder {
        do {
            try state.checkNesting(at: position)
        } catch {
            state.record(error)
            return .failed(in: state, at: position)
        }
        return WireEncoder(state: state, position: position, startOffset: state.writer.bytes.count)
    }
}
