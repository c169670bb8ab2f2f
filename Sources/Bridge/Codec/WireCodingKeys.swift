/// The key of an unkeyed container's element in a coding path. Holds only the index so that
/// it fits an existential's inline storage: no allocation per element.
struct IndexCodingKey: CodingKey {
    let index: Int

    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init(intValue: Int) { self.index = intValue }

    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
}

/// The key `superEncoder()` and `superDecoder()` use, whatever the container's key type.
struct SuperCodingKey: CodingKey {
    static let name = "super"

    init() {}
    init?(stringValue: String) { guard stringValue == Self.name else { return nil } }
    init?(intValue: Int) { nil }

    var stringValue: String { Self.name }
    var intValue: Int? { nil }
}
