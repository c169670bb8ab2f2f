import Bridge
import Foundation
import Testing

/// Whether this binary runs under AddressSanitizer, whose quarantine keeps freed memory (256 MiB
/// by default) out of reuse on purpose, so that memory cannot stay flat.
private let runsUnderAddressSanitizer = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") != nil

/// Starting and stopping bridges leaks nothing, and calls hold memory flat. Both run in a
/// probe host: the other tests run in parallel in this process and would move its counts.
@Suite struct HygieneTests {
    @Test func startStopCyclesLeakNoDescriptorThreadOrChild() async throws {
        let census = try await withBridge(LocalHygieneProbe.self) { probe in
            try await probe.cycleBridges(200, warmUp: 20)
        }
        // The census sees a running bridge, so it would see one left behind.
        #expect(census.during.children == census.before.children + 1)
        #expect(census.during.descriptors > census.before.descriptors)
        // A bridge costs no thread of its own: the event loop serves every one (below).

        // 200 cycles: a leaked thread would show 200 times; a pool thread the concurrency
        // runtime added under the whole suite's load, and keeps a while, once.
        #expect(census.after.isNoLarger(than: census.before, sparing: ProcessCensus.poolWidth), "before: \(census.before); after: \(census.after)")
        #expect(census.after.zombies == 0)
    }

    /// Issue 17's bar, at 24 of its 256 bridges (each host is a process of the suite's binary;
    /// `swift run -c release bridge-soak bridges 256` runs the whole): open bridges add at most
    /// twice the CPU count plus 8 threads to their parent, however many there are. (With a
    /// reader thread per bridge, 24 bridges added 24.)
    @Test func manyBridgesAtOnceShareTheParentsThreads() async throws {
        let count = 24
        let census = try await withBridge(LocalHygieneProbe.self, options: BridgeOptions(startTimeout: .seconds(120))) { probe in
            try await probe.openAtOnce(count)
        }
        #expect(census.during.children == census.before.children + count)
        let limit = 2 * ProcessInfo.processInfo.activeProcessorCount + 8
        #expect(census.during.threads - census.before.threads <= limit, "before: \(census.before); with \(count) open: \(census.during)")
        #expect(census.after.isNoLarger(than: census.before), "before: \(census.before); after: \(census.after)")
        #expect(census.after.zombies == 0)
    }

    @Test(.disabled(if: runsUnderAddressSanitizer, "AddressSanitizer's quarantine holds freed memory"))
    func twentyThousandCallsHoldMemoryFlat() async throws {
        let memory = try await withBridge(LocalHygieneProbe.self) { probe in
            try await probe.soak(calls: 20_000, warmUp: 2_000)
        }
        let limit = 32 << 20
        #expect(memory.after - memory.before < limit, "the parent grew from \(memory.before) to \(memory.after) bytes")
        #expect(memory.hostAfter - memory.hostBefore < limit, "the host grew from \(memory.hostBefore) to \(memory.hostAfter) bytes")
    }
}
