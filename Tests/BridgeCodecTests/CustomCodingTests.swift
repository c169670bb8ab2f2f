import Bridge
import Testing

// Types whose coding is synthesized in unusual ways or written by hand.

private indirect enum Shape: Codable, Equatable {
    case point
    case circle(radius: Double)
    case rectangle(width: Int, height: Int)
    case labelled(String, Shape?)
    case polygon([Int])
}

private class Animal: Codable {
    var name: String

    init(name: String) { self.name = name }
}

/// Encodes its superclass into `superEncoder()`, the pattern Codable documents for classes.
private final class Dog: Animal {
    var breed: String
    var tricks: [String]

    enum CodingKeys: CodingKey { case breed, tricks }

    init(name: String, breed: String, tricks: [String]) {
        self.breed = breed
        self.tricks = tricks
        super.init(name: name)
    }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        breed = try container.decode(String.self, forKey: .breed)
        tricks = try container.decode([String].self, forKey: .tricks)
        try super.init(from: container.superDecoder())
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(breed, forKey: .breed)
        try super.encode(to: container.superEncoder())
        try container.encode(tricks, forKey: .tricks)
    }
}

/// Shares its encoder with its superclass, the other common pattern: one keyed container.
private final class Cat: Animal {
    var lives: Int

    enum CodingKeys: CodingKey { case lives }

    init(name: String, lives: Int) {
        self.lives = lives
        super.init(name: name)
    }

    required init(from decoder: any Decoder) throws {
        lives = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .lives)
        try super.init(from: decoder)
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lives, forKey: .lives)
        try super.encode(to: encoder)
    }
}

/// Decodes its fields in another order than it encodes them.
private struct Reordered: Codable, Equatable {
    var first: Int
    var second: String
    var third: [Int?]
    var fourth: Bool?

    enum CodingKeys: CodingKey { case first, second, third, fourth }

    init(first: Int, second: String, third: [Int?], fourth: Bool?) {
        (self.first, self.second, self.third, self.fourth) = (first, second, third, fourth)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fourth = try container.decodeIfPresent(Bool.self, forKey: .fourth)
        third = try container.decode([Int?].self, forKey: .third)
        first = try container.decode(Int.self, forKey: .first)
        second = try container.decode(String.self, forKey: .second)
    }
}

/// Lays itself out with nested keyed and unkeyed containers, then a field after them.
private struct Nested: Codable, Equatable {
    var name: String
    var coordinates: (x: Double, y: Double)
    var history: [[String: Int]]
    var trailer: Int

    enum Keys: CodingKey { case name, position, history, trailer }
    enum PositionKeys: CodingKey { case x, y }

    init(name: String, coordinates: (x: Double, y: Double), history: [[String: Int]], trailer: Int) {
        (self.name, self.coordinates, self.history, self.trailer) = (name, coordinates, history, trailer)
    }

    static func == (lhs: Nested, rhs: Nested) -> Bool {
        lhs.name == rhs.name && lhs.coordinates == rhs.coordinates && lhs.history == rhs.history && lhs.trailer == rhs.trailer
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(name, forKey: .name)
        var position = container.nestedContainer(keyedBy: PositionKeys.self, forKey: .position)
        try position.encode(coordinates.x, forKey: .x)
        try position.encode(coordinates.y, forKey: .y)
        var history = container.nestedUnkeyedContainer(forKey: .history)
        for entry in self.history {
            var row = history.nestedContainer(keyedBy: AnyKey.self)
            for (key, value) in entry.sorted(by: { $0.key < $1.key }) {
                try row.encode(value, forKey: AnyKey(key))
            }
        }
        try container.encode(trailer, forKey: .trailer)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        trailer = try container.decode(Int.self, forKey: .trailer)
        name = try container.decode(String.self, forKey: .name)
        let position = try container.nestedContainer(keyedBy: PositionKeys.self, forKey: .position)
        coordinates = (try position.decode(Double.self, forKey: .x), try position.decode(Double.self, forKey: .y))
        var history = try container.nestedUnkeyedContainer(forKey: .history)
        var rows: [[String: Int]] = []
        while !history.isAtEnd {
            let row = try history.nestedContainer(keyedBy: AnyKey.self)
            var entry: [String: Int] = [:]
            for key in row.allKeys { entry[key.stringValue] = try row.decode(Int.self, forKey: key) }
            rows.append(entry)
        }
        self.history = rows
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

private struct Empty: Codable, Equatable {}

@Suite struct CustomCodingTests {
    @Test func enumsWithAssociatedValuesSurvive() throws {
        let shapes: [Shape] = [
            .point, .circle(radius: 2.5), .rectangle(width: 3, height: -4),
            .labelled("a", .point), .labelled("b", nil), .labelled("c", .labelled("d", .polygon([1, 2]))),
            .polygon([]),
        ]
        for shape in shapes {
            #expect(try roundTrip(shape) == shape)
        }
        #expect(try roundTrip(shapes) == shapes)
    }

    @Test func classesEncodingTheirSuperclassIntoSuperEncoderSurvive() throws {
        let dog = try roundTrip(Dog(name: "Rex", breed: "collie", tricks: ["sit", "stay"]))
        #expect(dog.name == "Rex")
        #expect(dog.breed == "collie")
        #expect(dog.tricks == ["sit", "stay"])
        let dogs = try roundTrip([Dog(name: "A", breed: "b", tricks: []), Dog(name: "C", breed: "d", tricks: ["e"])])
        #expect(dogs.map(\.name) == ["A", "C"])
    }

    @Test func classesSharingTheirEncoderWithTheSuperclassSurvive() throws {
        let cat = try roundTrip(Cat(name: "Tom", lives: 9))
        #expect(cat.name == "Tom")
        #expect(cat.lives == 9)
    }

    @Test func anUnusedSuperEncoderStillLeavesAWellFormedValue() throws {
        struct AsksButWritesNothing: Codable {
            enum Keys: CodingKey { case after }
            init() {}
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                _ = container.superEncoder()
                try container.encode(1, forKey: .after)
            }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: AnyKey.self)
                #expect(container.allKeys.map(\.stringValue) == ["super", "after"])
                #expect(try container.decode(Int.self, forKey: AnyKey("after")) == 1)
                #expect(try !container.decodeNil(forKey: AnyKey("super")))
            }
        }
        _ = try roundTrip(AsksButWritesNothing())
        _ = try roundTrip([AsksButWritesNothing(), AsksButWritesNothing()])
    }

    @Test func fieldsDecodedInAnotherOrderAreFound() throws {
        for value in [Reordered(first: 1, second: "two", third: [3, nil], fourth: true), Reordered(first: -1, second: "", third: [], fourth: nil)] {
            #expect(try roundTrip(value) == value)
        }
    }

    @Test func nestedContainersSurvive() throws {
        let value = Nested(name: "n", coordinates: (1.5, -2), history: [["a": 1, "b": 2], [:], ["c": 3]], trailer: 99)
        #expect(try roundTrip(value) == value)
        #expect(try roundTrip([value, value]) == [value, value])
    }

    @Test func emptyStructsSurvive() throws {
        #expect(try roundTrip(Empty()) == Empty())
        #expect(try roundTrip([Empty(), Empty()]) == [Empty(), Empty()])
        #expect(try roundTrip(Empty?.some(Empty())) == Empty())
    }

    @Test func singleValueContainersCanHoldAnyValue() throws {
        struct Wrapper<Inner: Codable & Equatable>: Codable, Equatable {
            var inner: Inner
            init(_ inner: Inner) { self.inner = inner }
            init(from decoder: any Decoder) throws { inner = try decoder.singleValueContainer().decode(Inner.self) }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(inner)
            }
        }
        struct Point: Codable, Equatable { var x = 1, y = 2 }
        #expect(try roundTrip(Wrapper(Point())) == Wrapper(Point()))
        #expect(try roundTrip(Wrapper([Point(), Point(x: 3, y: 4)])) == Wrapper([Point(), Point(x: 3, y: 4)]))
        #expect(try roundTrip(Wrapper(Int??.some(nil))) == Wrapper(Int??.some(nil)))
        #expect(try roundTrip(Wrapper(Wrapper("nested"))) == Wrapper(Wrapper("nested")))
        let optionals: [Wrapper<Point?>] = [Wrapper(nil), Wrapper(Point())]
        #expect(try roundTrip(optionals) == optionals)

        // A present field whose value encodes as nil must not come back as an absent one.
        struct Holder: Codable, Equatable { var field: Wrapper<Int?>? }
        for holder in [Holder(field: nil), Holder(field: Wrapper(nil)), Holder(field: Wrapper(5))] {
            #expect(try roundTrip(holder) == holder, "\(holder)")
        }
    }

    @Test func keyedContainersAnswerQuestionsAboutTheirKeys() throws {
        struct Inspector: Decodable {
            enum Keys: String, CodingKey { case present, nothing, absent, list }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: Keys.self)
                #expect(Set(container.allKeys.map(\.rawValue)) == ["present", "nothing", "list"])
                #expect(container.contains(.present))
                #expect(!container.contains(.absent))
                #expect(try container.decodeNil(forKey: .nothing))
                #expect(try !container.decodeNil(forKey: .present))
                #expect(try container.decode(Int.self, forKey: .present) == 1)
                #expect(try container.decodeIfPresent(Int.self, forKey: .absent) == nil)
                #expect(try container.decodeIfPresent(Int.self, forKey: .nothing) == nil)
                #expect(try container.decodeIfPresent(Int?.self, forKey: .nothing) == .some(nil))
                #expect(try container.decodeIfPresent(String.self, forKey: .absent) == nil)
                let missing = #expect(throws: DecodingError.self) { try container.decode(Int.self, forKey: .absent) }
                guard case .keyNotFound(let key, _) = missing else {
                    Issue.record("expected keyNotFound, got \(String(describing: missing))")
                    return
                }
                #expect(key.stringValue == "absent")
                let mismatch = #expect(throws: DecodingError.self) { try container.decode(String.self, forKey: .present) }
                #expect(message(of: mismatch).contains("expected String but found signed integer"))
                guard case .typeMismatch(_, let context) = mismatch else {
                    Issue.record("expected typeMismatch, got \(String(describing: mismatch))")
                    return
                }
                #expect(context.codingPath.map(\.stringValue) == ["present"])
                var list = try container.nestedUnkeyedContainer(forKey: .list)
                #expect(list.count == 3)
                #expect(try !list.decodeNil())
                #expect(list.currentIndex == 0)
                #expect(try list.decode(Int.self) == 1)
                #expect(try list.decodeNil())
                #expect(list.currentIndex == 2)
                #expect(try list.decode(String.self) == "x")
                #expect(list.isAtEnd)
                #expect(throws: DecodingError.self) { try list.decode(Int.self) }
                #expect(throws: DecodingError.self) { try list.decodeNil() }
            }
        }
        struct Source: Encodable {
            enum Keys: String, CodingKey { case present, nothing, list }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(1, forKey: .present)
                try container.encodeNil(forKey: .nothing)
                var list = container.nestedUnkeyedContainer(forKey: .list)
                try list.encode(1)
                try list.encodeNil()
                try list.encode("x")
            }
        }
        _ = try decoded(Inspector.self, from: try encoded(Source()))
    }

    @Test func errorsNameTheCodingPath() throws {
        struct Outer: Codable { var inner: [Inner] }
        struct Inner: Codable { var value: Int }
        struct WrongOuter: Codable { var inner: [WrongInner] }
        struct WrongInner: Codable { var value: String }
        let bytes = try encoded(Outer(inner: [Inner(value: 1), Inner(value: 2)]))
        let error = #expect(throws: DecodingError.self) { try decoded(WrongOuter.self, from: bytes) }
        guard case .typeMismatch(_, let context) = error else {
            Issue.record("expected typeMismatch, got \(String(describing: error))")
            return
        }
        #expect(context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue } == ["inner", "0", "value"])
    }

    @Test func fillingAContainerAfterALaterSiblingStartedIsAClearError() throws {
        struct Interleaved: Encodable {
            enum Keys: CodingKey { case a, b }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                var first = container.nestedUnkeyedContainer(forKey: .a)
                var second = container.nestedUnkeyedContainer(forKey: .b)
                try second.encode(1)
                try first.encode(2)
            }
        }
        let error = #expect(throws: EncodingError.self) { try encoded(Interleaved()) }
        #expect(message(of: error).contains("the bridge codec writes containers one after another"))
    }

    @Test func writingToTheParentAfterANestedContainerClosesIt() throws {
        struct Sequential: Codable, Equatable {
            enum Keys: CodingKey { case a, b, c }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                var first = container.nestedUnkeyedContainer(forKey: .a)
                try first.encode(1)
                try first.encode(2)
                try container.encode("between", forKey: .b)
                var third = container.nestedContainer(keyedBy: Keys.self, forKey: .c)
                try third.encode(3, forKey: .a)
                try container.encode(true, forKey: .b)
            }
            init() {}
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: Keys.self)
                #expect(try container.decode([Int].self, forKey: .a) == [1, 2])
                #expect(try container.decode(String.self, forKey: .b) == "between")  // the first of the two
                #expect(try container.nestedContainer(keyedBy: Keys.self, forKey: .c).decode(Int.self, forKey: .a) == 3)
            }
        }
        _ = try roundTrip(Sequential())

        struct ReopensClosed: Encodable {
            enum Keys: CodingKey { case a, b }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                var first = container.nestedUnkeyedContainer(forKey: .a)
                try container.encode(0, forKey: .b)
                try first.encode(1)
            }
        }
        #expect(throws: EncodingError.self) { try encoded(ReopensClosed()) }
    }

    @Test func aSecondValueInASingleValueContainerIsAnError() throws {
        struct Twice: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(1)
                try container.encode(2)
            }
        }
        #expect(throws: EncodingError.self) { try encoded(Twice()) }

        struct KeyedThenUnkeyed: Encodable {
            enum Keys: CodingKey { case a }
            func encode(to encoder: any Encoder) throws {
                var keyed = encoder.container(keyedBy: Keys.self)
                try keyed.encode(1, forKey: .a)
                var unkeyed = encoder.unkeyedContainer()
                try? unkeyed.encode(2)
            }
        }
        #expect(throws: EncodingError.self) { try encoded(KeyedThenUnkeyed()) }
    }

    @Test func unkeyedSuperEncodersAndNestedContainersSurvive() throws {
        struct Mixed: Codable, Equatable {
            var numbers: [Int]
            var label: String
            enum Keys: CodingKey { case label }
            init(numbers: [Int], label: String) { (self.numbers, self.label) = (numbers, label) }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.unkeyedContainer()
                var numbers = container.nestedUnkeyedContainer()
                for number in self.numbers { try numbers.encode(number) }
                var labelled = container.nestedContainer(keyedBy: Keys.self)
                try labelled.encode(label, forKey: .label)
                try "tail".encode(to: container.superEncoder())
            }
            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                #expect(container.count == 3)
                var numbers = try container.nestedUnkeyedContainer()
                var decodedNumbers: [Int] = []
                while !numbers.isAtEnd { decodedNumbers.append(try numbers.decode(Int.self)) }
                self.numbers = decodedNumbers
                label = try container.nestedContainer(keyedBy: Keys.self).decode(String.self, forKey: .label)
                #expect(try String(from: container.superDecoder()) == "tail")
                #expect(container.isAtEnd)
            }
        }
        let value = Mixed(numbers: [3, 1, 2], label: "l")
        #expect(try roundTrip(value) == value)
    }
}
