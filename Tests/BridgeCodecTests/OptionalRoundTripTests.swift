import Bridge
import Testing

/// Codable alone flattens `.some(nil)` into `nil`; the codec must not.
@Suite struct OptionalRoundTripTests {
    @Test func doubleOptionalsKeepAllThreeStatesAtTheTopLevel() throws {
        let states: [Int??] = [.none, .some(.none), .some(.some(5))]
        for state in states {
            #expect(try roundTrip(state) == state, "\(String(describing: state))")
        }
        #expect(try roundTrip(String???.some(.some(.none))) == .some(.some(.none)))
    }

    @Test func doubleOptionalsKeepAllThreeStatesInArrays() throws {
        let value: [Int??] = [.none, .some(.none), .some(.some(5))]
        #expect(try roundTrip(value) == value)
        let optionals: [Int?] = [1, nil, 3, nil]
        #expect(try roundTrip(optionals) == optionals)
    }

    @Test func doubleOptionalsKeepAllThreeStatesInStructFields() throws {
        struct Holder: Codable, Equatable {
            var value: Int??
            var plain: Int?
        }
        for value in [Int??.none, .some(.none), .some(.some(-3))] {
            for plain in [nil, 4] as [Int?] {
                let holder = Holder(value: value, plain: plain)
                #expect(try roundTrip(holder) == holder, "\(holder)")
            }
        }
    }

    @Test func doubleOptionalsKeepAllThreeStatesInDictionaries() throws {
        let value: [String: Int??] = ["none": .none, "someNone": .some(.none), "five": 5]
        #expect(try roundTrip(value) == value)
    }

    @Test func optionalStructsAndCollectionsSurvive() throws {
        struct Point: Codable, Equatable { var x: Int; var y: Int }
        #expect(try roundTrip(Point?.none) == nil)
        #expect(try roundTrip(Point?.some(Point(x: 1, y: 2))) == Point(x: 1, y: 2))
        #expect(try roundTrip([Point?]([nil, Point(x: 0, y: 0)])) == [nil, Point(x: 0, y: 0)])
        #expect(try roundTrip([Int]??.some(nil)) == .some(nil))
        #expect(try roundTrip([Int]??.some([])) == .some([]))
    }

    @Test func aPlainValueReadsAsAnOptionalAndAnOptionalAsAPlainValue() throws {
        #expect(try decoded(Int?.self, from: try encoded(5)) == 5)
        #expect(try decoded(Int.self, from: try encoded(Int?.some(5))) == 5)
        let nilError = #expect(throws: DecodingError.self) { try decoded(Int.self, from: try encoded(Int?.none)) }
        guard case .valueNotFound = nilError else {
            Issue.record("expected valueNotFound, got \(String(describing: nilError))")
            return
        }
    }
}
