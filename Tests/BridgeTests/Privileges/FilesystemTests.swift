import Bridge
import Foundation
import Testing

/// `BridgeOptions.filesystem: .readOnly(writable:)`: every mount read-only but the listed paths.
@Suite(.enabled(if: geteuid() == 0, "the tested path is a root parent"))
struct FilesystemTests {
    @Test func writingFailsWithEROFSButInTheWritablePathsAndReadingWorks() async throws {
        let writable = try TemporaryDirectory()
        let elsewhere = try TemporaryDirectory()
        let hostname = try String(contentsOfFile: "/etc/hostname", encoding: .utf8)
        try await withBridge(LocalConfinementProbe.self, options: .init(filesystem: .readOnly(writable: [writable.path]))) { (probe) async throws in
            #expect(try await probe.write(3, bytesTo: elsewhere.path + "/refused") == EROFS)
            #expect(try await probe.write(3, bytesTo: "/tmp/bridge-tests-refused") == EROFS)
            #expect(try await probe.write(3, bytesTo: writable.path + "/kept") == 0)
            #expect(try await probe.read("/etc/hostname") == hostname)
            #expect(try await probe.write(3, bytesTo: "/dev/null") == 0, "devices still work")
        }
        #expect(FileManager.default.fileExists(atPath: writable.path + "/kept"), "the parent sees what the host wrote")
        #expect(!FileManager.default.fileExists(atPath: elsewhere.path + "/refused"))
    }

    @Test func theParentsMountsAreUntouched() async throws {
        let writable = try TemporaryDirectory()
        let before = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        try await withBridge(LocalConfinementProbe.self, options: .init(filesystem: .readOnly(writable: [writable.path]))) { (probe) async throws in
            #expect(try await probe.write(1, bytesTo: writable.path + "/kept") == 0)
            #expect(try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) == before, "no mount of the host's reached the parent")
            #expect(try await probe.write(1, bytesTo: "/tmp/bridge-tests-refused") == EROFS)
        }
        #expect(try !System.isReadOnlyMount("/tmp"))
    }

    @Test func aWritablePathWithSpacesAndALinkInItWorks() async throws {
        // The mount table escapes a space as \040; the path is resolved before it is mounted.
        let directory = try TemporaryDirectory()
        let spaced = directory.path + "/with space"
        try FileManager.default.createDirectory(atPath: spaced, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/link", withDestinationPath: spaced)
        try await withBridge(LocalConfinementProbe.self, options: .init(filesystem: .readOnly(writable: [directory.path + "/link"]))) { (probe) async throws in
            #expect(try await probe.write(1, bytesTo: spaced + "/kept") == 0)
            #expect(try await probe.write(1, bytesTo: directory.path + "/refused") == EROFS)
        }
    }

    @Test func aWritablePathThatDoesNotExistFailsTheStartNamingIt() async throws {
        let missing = try TemporaryDirectory().path + "/missing"
        let error = await #expect(throws: BridgeError.self) {
            try await Bridge<LocalConfinementProbe>.start(.init(filesystem: .readOnly(writable: [missing])))
        }
        #expect(error?.code == .startFailed)
        #expect(error?.description.contains("set-up step 'namespaces': realpath of \(missing) failed: ENOENT") == true, "\(String(describing: error))")
        #expect(error?.description.contains("must exist") == true)
    }

    @Test func aRelativeWritablePathFailsBeforeAnyHostStarts() async throws {
        let error = await #expect(throws: BridgeError.self) {
            try await Bridge<LocalConfinementProbe>.start(.init(filesystem: .readOnly(writable: ["scratch"])))
        }
        #expect(error?.description.contains("lists 'scratch' as writable; writable paths must be absolute") == true, "\(String(describing: error))")
    }
}
