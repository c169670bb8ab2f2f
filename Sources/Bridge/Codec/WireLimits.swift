/// Bounds that keep a malformed or hostile frame from exhausting the stack or the heap.
enum WireLimits {
    /// How deeply values may nest (each container value, nested container and Optional layer
    /// counts one). Decoding recurses once per level, so this bounds the stack a frame can use;
    /// the encoder refuses the same depth so that it never writes what the decoder would reject.
    static let maximumNesting = 512

    /// The longest LEB128 encoding of a 64-bit value.
    static let maximumVarintLength = 10
    /// An `Int128`'s or `UInt128`'s varint.
    static let maximumWideVarintLength = 19
}
