import Foundation

/// Values of the shapes bridged calls carry: the fuzzer's bytes are decoded as each of them.
struct Record: Codable, Equatable {
    indirect enum Kind: Codable, Equatable {
        case plain
        case tagged(String, count: Int)
        case nested(Kind?)
    }

    struct Entry: Codable, Equatable {
        var flag: Bool
        var ratio: Float
        var kind: Kind
    }

    var id: Int
    var name: String
    var ratio: Double
    var tags: [String]
    var scores: [String: [Int?]]
    var entry: Entry?
    var maybe: Int??
    var blob: Data
    var unsigned: UInt64
    var entries: [Entry]
    var byID: [Int: Entry]

    static let example = Record(
        id: -12345, name: "record ✓", ratio: 0.75, tags: ["a", "", "ccc"],
        scores: ["x": [1, nil, 300], "y": []],
        entry: Entry(flag: true, ratio: 1.5, kind: .tagged("t", count: 2)),
        maybe: .some(nil), blob: Data([1, 2, 3, 255]), unsigned: .max,
        entries: [Entry(flag: false, ratio: -0.0, kind: .nested(.nested(.plain)))],
        byID: [7: Entry(flag: true, ratio: 2, kind: .plain)])
}

/// What an arguments payload looks like: a method id, then the arguments one after another.
struct Arguments: Codable, Equatable {
    var path: String
    var argv: [String]
    var environment: [String: String]?
    var data: Data
}
