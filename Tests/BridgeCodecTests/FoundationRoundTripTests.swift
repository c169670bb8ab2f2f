import Bridge
import Foundation
import Testing

@Suite struct FoundationRoundTripTests {
    @Test func datesSurvive() throws {
        for date in [Date(timeIntervalSinceReferenceDate: 0), Date(timeIntervalSince1970: 1_700_000_000.123_456), .distantPast, .distantFuture] {
            #expect(try roundTrip(date) == date)
        }
    }

    @Test func urlsSurvive() throws {
        let absolute = try #require(URL(string: "https://example.com/a%20b?q=1#frag"))
        #expect(try roundTrip(absolute) == absolute)
        let file = URL(fileURLWithPath: "/tmp/some dir/file.txt")
        #expect(try roundTrip(file) == file)
        let base = try #require(URL(string: "https://example.com/dir/"))
        let relative = try #require(URL(string: "sub/page.html", relativeTo: base))
        let back = try roundTrip(relative)
        #expect(back.absoluteString == relative.absoluteString)
        #expect(back.relativeString == relative.relativeString)
    }

    @Test func dataSurvivesAsOneBytesValue() throws {
        #expect(try roundTrip(Data()) == Data())
        let megabyte = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let bytes = try encoded(megabyte)
        #expect(bytes.count == megabyte.count + 1 + 3)
        #expect(bytes.first == WireTag.bytes.rawValue)
        #expect(try decoded(Data.self, from: bytes) == megabyte)
        let slice = megabyte[100..<200]  // a Data whose indices do not start at 0
        #expect(try roundTrip(slice) == slice)
    }

    @Test func dataAndByteArraysShareTheirEncoding() throws {
        let bytes: [UInt8] = [1, 2, 3]
        #expect(try encoded(Data(bytes)) == encoded(bytes))
        #expect(try decoded(Data.self, from: try encoded(bytes)) == Data(bytes))
        #expect(try decoded([UInt8].self, from: try encoded(Data(bytes))) == bytes)
    }

    @Test func uuidsSurvive() throws {
        let id = UUID()
        #expect(try roundTrip(id) == id)
        #expect(try roundTrip([id, UUID()]).first == id)
    }

    @Test func aStructOfFoundationTypesSurvives() throws {
        struct Record: Codable, Equatable {
            var id = UUID()
            var created = Date(timeIntervalSince1970: 12345.5)
            var link = URL(string: "file:///etc/hosts")
            var blob = Data([0, 1, 2])
            var blobs: [Data] = [Data(), Data([9])]
        }
        let record = Record()
        #expect(try roundTrip(record) == record)
    }
}
