import Bridge
import Testing

@Suite struct RemoteErrorTests {
    @Test func codableErrorArrivesAsItself() async throws {
        let sum = try await withBridge(LocalSandbox.self) { sandbox in
            await #expect(throws: SandboxError.notFound(path: "/missing")) {
                try await sandbox.fail(path: "/missing")
            }
            return try await sandbox.add(1, 1)
        }
        // The host was still serving after the thrown error.
        #expect(sum == 2)
    }

    @Test func otherErrorsArriveAsRemoteErrorWithTypeAndDescription() async throws {
        try await withBridge(LocalSandbox.self) { sandbox in
            let error = await #expect(throws: BridgeError.self) { try await sandbox.failOpaquely() }
            guard let error, error.code == .remoteError, let typeName = error.remoteTypeName else {
                Issue.record("expected remoteError, got \(String(describing: error))")
                return
            }
            #expect(typeName.hasSuffix("OpaqueFailure"))
            #expect(error.description.contains(": opaque failure 42 ("))
        }
    }
}
