import Bridge
import Foundation
import Testing

/// `BridgeOptions.noNewPrivileges`, on every thread of the host.
@Suite(.enabled(if: geteuid() == 0, "the tested path is a root parent"))
struct NoNewPrivilegesTests {
    @Test(arguments: [
        (BridgeOptions(), [false, false]),
        (BridgeOptions(noNewPrivileges: true), [true, true]),
        (BridgeOptions(user: "nobody"), [true, true]),  // always on with a user switch
    ])
    func theFlagIsSetOnEveryThreadWhenAsked(options: BridgeOptions, expected: [Bool]) async throws {
        let seen = try await withBridge(LocalConfinementProbe.self, options: options) { try await $0.noNewPrivileges() }
        #expect(seen == expected)
    }
}
