@testable import Bridge
import Foundation
import Testing

/// Calls through generated clients into real hosts, one test per kind of protocol the
/// generator accepts (see GeneratorHosts.swift).
@Suite struct GeneratedClientTests {
    @Test func nestedProtocolWithTupleParameterAndSiblingType() async throws {
        let bridge = try await Bridge<Geometry.LocalPlotter>.start()
        let moved = try await bridge.client.translate(Geometry.Point(x: 1, y: 2), by: (dx: 10, dy: -5))
        #expect(moved == Geometry.Point(x: 11, y: -3))
        #expect(try bridge.client.origin() == Geometry.Point(x: 0, y: 0))
        #expect(Geometry.PlotterClient._bridgeInterface.name == "Geometry.Plotter")
        await bridge.stop()
        #expect(bridge.termination == .exited(0))
    }

    @Test func keywordsOverloadsAndAttributes() async throws {
        let bridge = try await Bridge<LocalKitchen>.start()
        let kitchen = bridge.client
        #expect(try await kitchen.default(for: "four") == 4)
        #expect(try await kitchen.measure(7) == "int 7")
        #expect(try await kitchen.measure(2.5) == "double 2.5")
        #expect(try await kitchen.measure(grams: 3) == "3 g")
        // Told apart by the type the caller asks for, in the client and in the host.
        #expect(try await kitchen.measure() as Int == 12)
        #expect(try await kitchen.measure() as String == "twelve")
        #expect(try await kitchen.concurrently(4) == 12)
        #expect(try await kitchen.`add up`(`first value`: 1, _object: 20, _connection: 300) == 321)
        var numbers: [Int] = []
        for try await number in try await kitchen.numbers() as AsyncThrowingStream<Int, any Error> { numbers.append(number) }
        var names: [String] = []
        for try await name in try await kitchen.numbers() as AsyncThrowingStream<String, any Error> { names.append(name) }
        #expect(numbers == [1, 2, 3] && names == ["one", "two"])
        // A nested protocol whose result type is named `Real`.
        #expect(try await withBridge(LocalMaker.self) { try await $0.make(1.5) } == Real(x: 3))
        await bridge.stop()
    }

    @Test func arrayParametersBesideOthers() async throws {
        let bridge = try await Bridge<LocalKitchen>.start()
        let kitchen = bridge.client
        #expect(try kitchen.sum([1, 2, 3], scale: 10) == 60)
        #expect(try kitchen.sum([], scale: 10) == 0)
        await bridge.stop()
    }

    @Test func codableTypesSpelledAnyWay() async throws {
        let bridge = try await Bridge<LocalKitchen>.start()
        let kitchen = bridge.client
        let text = try await kitchen.describe(
            name: "n", tags: ["b": [1, nil], "a": []], when: Date(timeIntervalSince1970: 1_000),
            at: URL(fileURLWithPath: "/tmp/file.txt"), blob: Data([1, 2, 3]), count: 9, maybe: nil)
        #expect(text == "n a=[],b=[\"1\", \"nil\"] 1000 file.txt 3 9 none")
        await bridge.stop()
    }

    @Test func tuplesTravelElementByElement() async throws {
        let bridge = try await Bridge<LocalKitchen>.start()
        let kitchen = bridge.client
        let split = try await kitchen.split((21, "hi"))
        #expect(split.number == 42)
        #expect(split.text == "hi!")
        let swapped = try kitchen.swapped((5, ("x", true)))
        #expect(swapped.0 == (true, "x"))
        #expect(swapped.1 == 5)
        await bridge.stop()
    }

    @Test func effectfulPropertiesConditionalRequirementsAndUntypedThrows() async throws {
        let bridge = try await Bridge<LocalKitchen>.start()
        #expect(try bridge.client.size == 42)
        #expect(try await bridge.client.label == "kitchen \(bridge.processID)")
        #if os(Linux)
        #expect(try await bridge.client.platform() == "linux")
        #endif
        #expect(try bridge.client.untyped(1) == 2)
        await bridge.stop()
    }

    @Test func packageProtocolKeepsStateInTheHost() async throws {
        let bridge = try await Bridge<LocalCounter>.start()
        let counter = bridge.client
        #expect(try await counter.increment(by: 2) == 2)
        #expect(try await counter.increment(by: 3) == 5)
        await bridge.stop()
    }

    @Test func inheritedRequirementsAreCalledThroughTheDerivedClient() async throws {
        let bridge = try await Bridge<LocalLoudGreeter>.start()
        let client: LoudGreeterClient = bridge.client
        #expect(try await client.name() == "greeter \(bridge.processID)")
        #expect(try await client.greet("ann") == "hello, ann")
        #expect(try client.shout("bob") == "HELLO, BOB")
        // The client is usable wherever the base protocols are.
        let named: any Named = client
        #expect(try await named.name() == "greeter \(bridge.processID)")
        #expect(Set(LoudGreeterClient._bridgeInterface.signatures).isSuperset(of: NamedClient._bridgeInterface.signatures))
        await bridge.stop()
        #expect(bridge.termination == .exited(0))
    }
}
