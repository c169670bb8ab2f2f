import Bridge
import Foundation
import Testing

/// These tests need a root parent, as the machine that runs them provides.
@Suite(.enabled(if: geteuid() == 0, "switching user needs a root parent"))
struct IdentitySwitchTests {
    private static let nobody = getpwnam("nobody").map { (uid: $0.pointee.pw_uid, gid: $0.pointee.pw_gid) }

    @Test func hostRunsAsTheUserWithItsPrimaryAndSupplementaryGroups() async throws {
        let nobody = try #require(Self.nobody)
        let identity = try await withBridge(LocalIdentityProbe.self, options: .init(user: "nobody")) {
            try await $0.identity()
        }
        #expect(identity.userID == nobody.uid)
        #expect(identity.effectiveUserID == nobody.uid)
        #expect(identity.groupID == nobody.gid)
        #expect(identity.effectiveGroupID == nobody.gid)
        // initgroups: the user's groups from the group database, which include its primary one,
        // and none of root's.
        #expect(identity.supplementaryGroups == [nobody.gid])
        #expect(geteuid() == 0, "the parent stays root")
    }

    @Test func hostCannotReadARootOnlyFileTheParentCan() async throws {
        let directory = try TemporaryDirectory()
        let secret = directory.path + "/secret"
        #expect(FileManager.default.createFile(atPath: secret, contents: Data("root only".utf8), attributes: [.posixPermissions: 0o600]))
        #expect(try String(contentsOfFile: secret, encoding: .utf8) == "root only")
        let asRoot = try await withBridge(LocalIdentityProbe.self) { try await $0.read(secret) }
        #expect(asRoot == "root only")
        let asNobody = try await withBridge(LocalIdentityProbe.self, options: .init(user: "nobody")) { try await $0.read(secret) }
        #expect(asNobody == "open failed: errno \(EACCES)")
    }

    @Test func hostCannotBecomeRootAgain() async throws {
        let result = try await withBridge(LocalIdentityProbe.self, options: .init(user: "nobody")) { try await $0.becomeRoot() }
        #expect(result == EPERM)
    }

    @Test func numericIdsWork() async throws {
        let identity = try await withBridge(LocalIdentityProbe.self, options: .init(user: "4321", group: "8765")) {
            try await $0.identity()
        }
        #expect(identity == HostIdentity(userID: 4321, effectiveUserID: 4321, groupID: 8765, effectiveGroupID: 8765, supplementaryGroups: [8765]))
    }

    @Test func aGroupByNameReplacesThePrimaryGroup() async throws {
        let nobody = try #require(Self.nobody)
        let staff = try #require(getgrnam("staff")?.pointee.gr_gid ?? getgrnam("daemon")?.pointee.gr_gid)
        let name = String(cString: getgrgid(staff)!.pointee.gr_name)
        let identity = try await withBridge(LocalIdentityProbe.self, options: .init(user: "nobody", group: name)) {
            try await $0.identity()
        }
        #expect(identity.userID == nobody.uid)
        #expect(identity.groupID == staff)
        #expect(identity.supplementaryGroups.contains(staff))
    }

    @Test(arguments: [
        ("no-such-user-7f3a", nil, "there is no user named 'no-such-user-7f3a'"),
        ("nobody", "no-such-group-7f3a", "there is no group named 'no-such-group-7f3a'"),
        ("4321", nil, "user id 4321 has no entry in the user database"),
        (nil, "nogroup", "BridgeOptions.group 'nogroup' is set without .user"),
        ("root", nil, "could still become root again"),
    ] as [(String?, String?, String)])
    func startFailsNamingWhatIsWrong(user: String?, group: String?, message: String) async throws {
        let error = await #expect(throws: BridgeError.self) {
            try await Bridge<LocalIdentityProbe>.start(.init(user: user, group: group))
        }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func aParentThatIsNotRootCannotSwitch() async throws {
        let message = try await withBridge(LocalIdentityProbe.self, options: .init(user: "nobody")) {
            try await $0.startError(user: "daemon")
        }
        let uid = try #require(Self.nobody).uid
        #expect(message?.contains("runs as uid \(uid), not root, so its host cannot switch to user 'daemon'") == true)
    }

    @Test func switchedHostAsksToDieWithItsParentOnItsMainThread() async throws {
        // The request belongs to a thread, and a change of user clears it on all of them. The
        // main thread lives as long as the host; a pool thread may end when idle, and with it
        // the request, leaving a host that outlives its parent.
        let signal = try await withBridge(LocalIdentityProbe.self, options: .init(user: "nobody")) {
            try await $0.mainThreadParentDeathSignal()
        }
        #expect(signal == SIGKILL)
    }

    @Test func switchedHostDiesWithItsParent() async throws {
        // The parent is a root host, so that the test can kill it; its child switches user,
        // which clears the parent-death signal unless the host sets it again. The child is
        // frozen, so it cannot notice its socket closing: only that signal can end it.
        let parent = try await Bridge<LocalIdentityProbe>.start()
        let child = try await parent.client.startSwitchedHost(user: "nobody")
        #expect(!processIsGone(child))
        kill(child, SIGSTOP)
        kill(parent.processID, SIGKILL)
        // The signal comes at once; the time allowed is for a loaded machine (bridge-soak
        // measures how long it takes).
        #expect(await eventually(within: .seconds(10)) { processIsGone(child) })
        await parent.stop()
    }
}
