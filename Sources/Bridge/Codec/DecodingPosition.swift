/// Where a value is being read: its nesting level, for the depth limit, and the links that
/// make its coding path (built only when an error or a caller asks for it).
struct DecodingPosition {
    /// The value whose container holds this one; nil at the top level.
    let parent: WireDecoder?
    /// This value's key in that container; nil for what a single value container holds.
    let key: (any CodingKey)?
    /// 1 at the top level, one more for each enclosing value or Optional.
    let level: Int

    static var root: DecodingPosition { DecodingPosition(parent: nil, key: nil, level: 1) }

    /// An entry of a container that `decoder` opened.
    static func entry(of decoder: WireDecoder, key: any CodingKey) -> DecodingPosition {
        DecodingPosition(parent: decoder, key: key, level: decoder.position.level + 1)
    }

    /// The value a single value container of `decoder` holds: the same bytes, one level deeper.
    static func content(of decoder: WireDecoder) -> DecodingPosition {
        DecodingPosition(parent: decoder, key: nil, level: decoder.position.level + 1)
    }

    /// The value an Optional here wraps: same key, one level deeper.
    func unwrapped() -> DecodingPosition {
        DecodingPosition(parent: parent, key: key, level: level + 1)
    }

    var codingPath: [any CodingKey] {
        let parentPath = parent?.codingPath ?? []
        guard let key else { return parentPath }
        return parentPath + [key]
    }

    /// Refuses a value nested deeper than the limit, before recursing into it.
    func checkNesting(at offset: Int) throws {
        guard level <= WireLimits.maximumNesting else {
            throw WireFormatError.nestingTooDeep(at: offset).decodingError(codingPath: codingPath)
        }
    }
}
