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
            guard case .remoteError(let typeName, let description)? = error else {
                Issue.record("expected remoteError, got \(String(describing: error))")
                return
            }
            #expect(typeName.hasSuffix("OpaqueFailure"))
            #expect(description == "opaque failure 42")
        }
    }
}
