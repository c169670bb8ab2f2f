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

    @Test func argumentsOverTheLimitAreRefusedBeforeSendingAndTheBridgeGoesOn() async throws {
        let limit = 1 << 20
        try await withBridge(LocalMirror.self, options: BridgeOptions(maximumMessageSize: limit)) { mirror in
            let error = await #expect(throws: BridgeError.self) {
                try await mirror.reversed(Data(count: limit + 1))
            }
            guard let error, error.code == .messageTooLarge, error.method == "reversed(_:Data) async throws -> Data",
                  error.limit == limit, let size = error.size
            else {
                Issue.record("expected the call refused naming it, got \(String(describing: error))")
                return
            }
            #expect(size > limit)
            #expect(error.description.contains("refused to send 'reversed(_:Data) async throws -> Data'") == true)
            let after = try await mirror.echo("after", afterMilliseconds: 0)
            #expect(after == "after")
        }
    }

    @Test func aResultOverTheLimitFailsThatCallAndTheBridgeGoesOn() async throws {
        let limit = 1 << 20
        try await withBridge(LocalMirror.self, options: BridgeOptions(maximumMessageSize: limit)) { mirror in
            let error = await #expect(throws: BridgeError.self) { try await mirror.filled(count: 2 * limit) }
            guard let error, error.code == .resultTooLarge, error.method == "filled(count:Int) async throws -> Data",
                  error.limit == limit, let size = error.size
            else {
                Issue.record("expected the result refused naming the call, got \(String(describing: error))")
                return
            }
            #expect(size > 2 * limit)
            let fitting = try await mirror.filled(count: limit / 2)
            #expect(fitting.count == limit / 2)
        }
    }

    @Test(arguments: [0, 1_000, (256 << 20) + 1])
    func limitOutsideWhatAFrameCarriesFailsStartNamingTheOption(_ limit: Int) async throws {
        let error = await #expect(throws: BridgeError.self) {
            _ = try await Bridge<Echoer>.start(BridgeOptions(maximumMessageSize: limit))
        }
        #expect(error?.description.contains("BridgeOptions.maximumMessageSize is \(limit) bytes") == true)
    }
}
