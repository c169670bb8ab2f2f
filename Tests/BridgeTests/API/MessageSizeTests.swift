import Bridge
import Foundation
import Testing

@Suite struct MessageSizeTests {
    @Test func sixtyFourMebibytesEchoByDefault() async throws {
        var data = Data(repeating: 0x5A, count: 64 << 20)
        // Marks at both ends and the middle: a payload cut or shifted anywhere compares unequal.
        for (index, byte) in [(0, 1), (data.count / 2, 2), (data.count - 1, 3)] as [(Int, UInt8)] { data[index] = byte }
        let echoed = try await withBridge(Echoer.self) { echo in
            try await echo.echoData(data)
        }
        #expect(echoed == data)
    }

    @Test(arguments: [0, 1_000, (256 << 20) + 1])
    func limitOutsideWhatAFrameCarriesFailsStartNamingTheOption(_ limit: Int) async throws {
        let error = await #expect(throws: BridgeError.self) {
            _ = try await Bridge<Echoer>.start(BridgeOptions(maximumMessageSize: limit))
        }
        #expect(error?.description.contains("BridgeOptions.maximumMessageSize is \(limit) bytes") == true)
    }
}
