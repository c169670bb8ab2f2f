/// Where a value is being written: what the ordering checks need to know about its
/// surroundings, and the links that make its coding path.
struct EncodingPosition {
    /// The value whose container holds this one, or whose single value this is; nil at the top level.
    let parent: WireEncoder?
    /// This value's key in that container; nil for what a single value container holds.
    let key: (any CodingKey)?
    /// 1 at the top level, one more for each enclosing value or Optional.
    let level: Int
    /// The encoder whose container this value is an entry of; nil at the top level.
    let enclosingContainerOwner: WireEncoder?
    /// How many containers are open around the value (the owner's and those around it).
    let enclosingContainers: Int

    static var root: EncodingPosition {
        EncodingPosition(parent: nil, key: nil, level: 1, enclosingContainerOwner: nil, enclosingContainers: 0)
    }

    /// An entry of the container that `encoder` opened.
    static func entry(of encoder: WireEncoder, key: any CodingKey) -> EncodingPosition {
        EncodingPosition(
            parent: encoder,
            key: key,
            level: encoder.position.level + 1,
            enclosingContainerOwner: encoder,
            enclosingContainers: encoder.position.enclosingContainers + 1
        )
    }

    /// The value a single value container of `encoder` holds: the same bytes, one level deeper.
    static func content(of encoder: WireEncoder) -> EncodingPosition {
        EncodingPosition(
            parent: encoder,
            key: nil,
            level: encoder.position.level + 1,
            enclosingContainerOwner: encoder.position.enclosingContainerOwner,
            enclosingContainers: encoder.position.enclosingContainers
        )
    }

    /// The value an Optional here wraps: same place and key, one level deeper.
    func unwrapped() -> EncodingPosition {
        EncodingPosition(
            parent: parent,
            key: key,
            level: level + 1,
            enclosingContainerOwner: enclosingContainerOwner,
            enclosingContainers: enclosingContainers
        )
    }

    var codingPath: [any CodingKey] {
        let parentPath = parent?.codingPath ?? []
        guard let key else { return parentPath }
        return parentPath + [key]
    }
}
