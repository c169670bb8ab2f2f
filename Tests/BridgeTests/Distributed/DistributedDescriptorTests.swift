import Bridge
import Distributed
import Foundation
import Testing

/// Open files (`BridgeFileDescriptor`) as arguments and results of distributed calls.
@Suite struct DistributedDescriptorTests {
    @Test func anOpenFileTravelsToAHostBackAndBetweenHosts() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/note"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("root only".utf8), attributes: [.posixPermissions: 0o600]))
        let system = BridgeActorSystem()
        let first = try await system.start(FileCounter.self)
        let second = try await system.start(FileCounter.self)

        // Parent to host: the host reads a file the parent opened.
        let descriptor = open(path, O_RDONLY)
        #expect(descriptor >= 0)
        #expect(try await first.read(BridgeFileDescriptor(duplicating: descriptor)) == "root only")
        close(descriptor)

        // Host to parent: a file the host opened.
        let opened = try await first.open(path)
        let handle = FileHandle(fileDescriptor: opened.take(), closeOnDealloc: true)
        #expect(String(decoding: handle.readDataToEndOfFile(), as: UTF8.self) == "root only")

        // Host to host, through the parent.
        let again = open(path, O_RDONLY)
        #expect(try await first.askPeer(second, toRead: BridgeFileDescriptor(duplicating: again)) == "root only")
        close(again)
        await system.shutdown()
    }

    @Test(.enabled(if: geteuid() == 0 && getpwnam("nobody") != nil, "needs a root parent"))
    func aNobodyHostReadsAFileOnlyRootCouldOpen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/secret"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("secret".utf8), attributes: [.posixPermissions: 0o600]))
        let system = BridgeActorSystem()
        let walledIn = try await system.start(FileCounter.self, options: .init(user: "nobody"))
        await #expect(throws: CountingError.noSuchDirectory(path)) { try await walledIn.open(path) }
        let descriptor = open(path, O_RDONLY)
        #expect(try await walledIn.read(BridgeFileDescriptor(duplicating: descriptor)) == "secret")
        close(descriptor)
        await system.shutdown()
    }
}
