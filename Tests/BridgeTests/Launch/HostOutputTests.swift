import Bridge
import Foundation
import Testing

@Suite struct HostOutputTests {
    @Test func linesOfBothStreamsReachTheHandlerTaggedWithPidAndStream() async throws {
        let lines = Collector<BridgeOutputLine>()
        let bridge = try await Bridge<LocalPrinter>.start(.init(output: .lines { lines.append($0) }))
        let pid = bridge.processID
        try await bridge.client.write("one\ntw", toDescriptor: 1)
        try await bridge.client.write("oops\n", toDescriptor: 2)
        try await bridge.client.write("o\nthree\n", toDescriptor: 1)
        try await bridge.client.write("no newline", toDescriptor: 2)
        await bridge.stop()
        // stop() returns after the last line, the one cut short by the host's exit, was handled.
        let all = lines.all
        #expect(all.filter { $0.stream == .standardOutput } == [
            BridgeOutputLine(processID: pid, stream: .standardOutput, text: "one"),
            BridgeOutputLine(processID: pid, stream: .standardOutput, text: "two"),
            BridgeOutputLine(processID: pid, stream: .standardOutput, text: "three"),
        ])
        #expect(all.filter { $0.stream == .standardError } == [
            BridgeOutputLine(processID: pid, stream: .standardError, text: "oops"),
            BridgeOutputLine(processID: pid, stream: .standardError, text: "no newline"),
        ])
        #expect(all.first?.description == "[pid \(pid) stdout] one")
    }

    @Test func printInTheHostArrivesLineByLineWhileItRuns() async throws {
        let lines = Collector<String>()
        try await withBridge(LocalPrinter.self, options: .init(output: .lines { lines.append($0.text) })) { printer in
            try await printer.printLine("first")
            // Without line buffering C stdio would hold this until the host exits.
            #expect(await eventually(within: .seconds(5)) { lines.all == ["first"] })
            try await printer.printLine("second")
            #expect(await eventually(within: .seconds(5)) { lines.all == ["first", "second"] })
        }
    }

    @Test func aLongLineArrivesInPieces() async throws {
        let lines = Collector<String>()
        let long = String(repeating: "x", count: 64 << 10) + "tail"
        try await withBridge(LocalPrinter.self, options: .init(output: .lines { lines.append($0.text) })) { printer in
            try await printer.write(long + "\n", toDescriptor: 1)
        }
        // Compared by length: a failure would otherwise print 64 KiB.
        #expect(lines.all.map(\.count) == [64 << 10, 4])
        #expect(lines.all.last == "tail")
    }

    @Test func discardedOutputGoesToDevNull() async throws {
        let targets = try await withBridge(LocalPrinter.self, options: .init(output: .discard)) { try await $0.outputTargets() }
        #expect(targets == ["/dev/null", "/dev/null"])
    }

    @Test func inheritedOutputIsTheParents() async throws {
        let parents = try [1, 2].map { try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)") }
        let targets = try await withBridge(LocalPrinter.self) { try await $0.outputTargets() }
        #expect(targets == parents)
    }

    @Test func aHostThatDiesStillDeliversWhatItWrote() async throws {
        let lines = Collector<String>()
        let bridge = try await Bridge<LocalSandbox>.start(.init(output: .lines { lines.append($0.text) }))
        await #expect(throws: BridgeError.self) { try await bridge.client.raise(signal: SIGKILL) }
        await bridge.stop()
        #expect(lines.all.isEmpty)
        let printer = try await Bridge<LocalPrinter>.start(.init(output: .lines { lines.append($0.text) }))
        try await printer.client.write("last words", toDescriptor: 2)
        kill(printer.processID, SIGKILL)
        await printer.stop()
        #expect(lines.all == ["last words"])
    }
}
