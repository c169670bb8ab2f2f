import Bridge
import Foundation
import Testing

/// Every wall at once, as a user running untrusted parsing would set them up; and a parent that
/// is not root, which gets its namespaces from a user namespace.
@Suite(.enabled(if: geteuid() == 0, "the tested path is a root parent"))
struct PrivilegeSeparationTests {
    @Test func aHostAsNobodyOfflineReadOnlyAndCapped() async throws {
        let nobody = try #require(getpwnam("nobody")).pointee.pw_uid
        let scratch = try TemporaryDirectory()
        chmod(scratch.path, 0o777)
        let listener = try LoopbackListener()
        let options = BridgeOptions(
            workingDirectory: scratch.path, user: "nobody",
            limits: .init(cpuTime: .seconds(60), openFiles: 64, coreDumps: false),
            network: .none, filesystem: .readOnly(writable: [scratch.path]))
        try await withBridge(LocalConfinementProbe.self, options: options) { (probe) async throws in
            #expect(try await probe.whereAndWho() == "\(scratch.path) as uid \(nobody)")
            #expect(try await probe.connect(toLoopbackPort: listener.port) == ECONNREFUSED)
            #expect(try await probe.write(1, bytesTo: "/tmp/bridge-tests-refused") == EROFS)
            #expect(try await probe.write(1, bytesTo: scratch.path + "/output") == 0)
            #expect(try await probe.noNewPrivileges() == [true, true])
            #expect(try await probe.limits()["RLIMIT_NOFILE"] == ObservedLimit(soft: 64, hard: 64))
        }
    }

    @Test func aParentThatIsNotRootGetsItsNamespacesFromAUserNamespace() async throws {
        // The parent here is a host running as nobody; its own host asks for the namespaces
        // without being root. This machine's kernel lets users make user namespaces.
        let answer = try await withBridge(LocalConfinementProbe.self, options: .init(user: "nobody")) {
            try await $0.startConfined(limits: .init(), network: .none, filesystem: .readOnly(writable: []), probing: "/tmp/bridge-tests-refused")
        }
        let nobody = try #require(getpwnam("nobody")).pointee.pw_uid
        #expect(answer.hasPrefix(#"interfaces ["lo"], write errno \#(EROFS), uid "#) && answer.hasSuffix("as uid \(nobody)"), "\(answer)")
    }

    @Test func aParentThatIsNotRootCannotRaiseAHardLimit() async throws {
        let hard = try #require(try System.limit(.openFiles).hard)
        let answer = try await withBridge(LocalConfinementProbe.self, options: .init(user: "nobody")) {
            try await $0.startConfined(limits: .init(openFiles: Int(hard) + 1), network: .inherit, filesystem: .inherit, probing: "/dev/null")
        }
        #expect(answer.contains("set-up step 'limits': setrlimit(RLIMIT_NOFILE, soft \(hard + 1), hard \(hard + 1)) failed: EPERM (Operation not permitted)"), "\(answer)")
    }
}
