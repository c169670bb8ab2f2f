/// The expressions and statements that move values through the wire: `Codable` values whole,
/// tuples (which are not `Codable`) element by element, callback objects as references.
enum WireCode {
    /// Statements that encode `value` into `writer`: a tuple element by element; a callback
    /// object as a reference the host calls back through.
    static func encoding(_ value: String, _ type: TypeSpelling, into writer: String) -> [String] {
        if type.callback != nil { return ["try \(writer).encodeObject(\(value)._bridgeExport)"] }
        guard let elements = type.tupleElements else { return ["try \(writer).encode(\(value))"] }
        return elements.enumerated().flatMap { position, element in
            encoding("\(value).\(position)", element.type, into: writer)
        }
    }

    /// An expression that decodes a value of `type` from `reader`; a tuple element by element.
    static func decoding(_ type: TypeSpelling, from reader: String) -> String {
        if let callback = type.callback { return "try \(reader).decodeObject(\(callback.clientName).self)" }
        guard let elements = type.tupleElements else { return "try \(reader).decode(\(type.swift).self)" }
        let parts = elements.map { element in
            (element.label.map { "\($0): " } ?? "") + decoding(element.type, from: reader)
        }
        return "(" + parts.joined(separator: ", ") + ")"
    }

    /// The closure that encodes one element of a stream: `(inout _WireWriter, T) throws -> Void`.
    static func elementEncoder(_ element: TypeSpelling) -> String {
        let statements = encoding("$1", element, into: "$0")
        return statements.isEmpty ? "{ _, _ in }" : "{ " + statements.joined(separator: "; ") + " }"
    }
}
