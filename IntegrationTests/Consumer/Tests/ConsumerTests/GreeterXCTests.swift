import Bridge
import Foundation
import Greeting
import Probe
import XCTest

/// The same checks under XCTest: hosts started from an XCTest binary, whose `main` nobody can
/// edit, serve before XCTest runs in them.
final class GreeterXCTests: XCTestCase {
    func testProbeUnderXCTest() async throws {
        let passed = await Probe.run(shape: "XCTest")
        XCTAssertTrue(passed, "see the FAILED lines above")
    }

    func testHostsStartFromTheTestBinary() async throws {
        let hostID = try await withBridge(LocalGreeter.self) { try $0.processID() }
        XCTAssertNotEqual(hostID, ProcessInfo.processInfo.processIdentifier)
    }
}
