import Foundation
import Testing

/// Runs each example's built binary as a user would and checks what it prints. The binaries
/// are the package's other products, next to this test binary (`swift build` builds them).
@Suite struct ExampleTests {
    struct Run {
        var status: Int32
        var output: String
        var lines: [String] { output.split(separator: "\n").map(String.init) }
    }

    static let productsDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()

    /// Runs `product` (a binary in `directory`, by default next to this test binary) to its end.
    ///
    /// The waiting happens on a thread of its own: blocking the few threads of Swift's
    /// concurrency pool would stall every other test of this binary meanwhile.
    func run(_ product: String, in directory: URL = productsDirectory, workingDirectory: String? = nil) async throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent(product).path) else {
            Issue.record("\(directory.appendingPathComponent(product).path) is missing: build the examples first (swift build)")
            return Run(status: -1, output: "")
        }
        return try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runBlocking(product, in: directory, workingDirectory: workingDirectory) }) }.start()
        }
    }

    private func runBlocking(_ product: String, in directory: URL, workingDirectory: String?) throws -> Run {
        let executable = directory.appendingPathComponent(product)
        let process = Process()
        process.executableURL = executable
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self))
    }

    /// The integers in `line`, in order.
    func numbers(in line: String) -> [Int32] {
        line.split(whereSeparator: { !$0.isNumber }).compactMap { Int32($0) }
    }

    func isGone(_ pid: Int32) -> Bool { kill(pid, 0) == -1 && errno == ESRCH }

    @Test func isolateWorkingDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path
        let run = try await run("isolate-cwd", workingDirectory: directory)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.lines.contains { $0.hasPrefix("first host (pid ") && $0.hasSuffix("/north: 20 files there, 20 of them its own") })
        #expect(run.lines.contains { $0.hasPrefix("second host (pid ") && $0.hasSuffix("/south: 20 files there, 20 of them its own") })
        #expect(run.lines.contains { $0.hasPrefix("a parent thread checked its directory ") && $0.hasSuffix("it never changed") })
        #expect(run.lines.contains("first host refused to enter /no/such/place: the error arrived as itself"))
        #expect(run.lines.contains("parent still works in \(directory)"))
        #expect(run.lines.last == "both hosts stopped: exited with status 0, exited with status 0")
    }

    @Test(.enabled(if: geteuid() == 0, "the example drops from root"))
    func dropPrivileges() async throws {
        let nobody = try #require(getpwnam("nobody")).pointee
        let run = try await run("drop-privileges")
        #expect(run.status == 0, "\(run.output)")
        #expect(run.lines.first?.hasSuffix(#"/secret: read "root only""#) == true, "\(run.output)")
        #expect(run.lines.contains { $0.hasPrefix("host as nobody: uid \(nobody.pw_uid), gid \(nobody.pw_gid); ") && $0.hasSuffix("/secret: cannot read it: Permission denied") })
        #expect(run.lines.contains("host tries setuid(0): refused"))
        #expect(run.lines.last == "parent is still uid 0, gid 0")
    }

    @Test(.enabled(if: geteuid() == 0, "the example walls in a host from root"))
    func privilegeSeparation() async throws {
        let nobody = try #require(getpwnam("nobody")).pointee
        let run = try await run("privilege-separation")
        #expect(run.status == 0, "\(run.output)")
        let lines = run.lines
        try #require(lines.count == 8, "\(run.output)")
        #expect(lines[0].contains(#"/secret: read "root only"; listening on 127.0.0.1:"#))
        let port = numbers(in: lines[0]).last ?? 0
        #expect(lines[1] == "host as nobody: uid \(nobody.pw_uid), gid \(nobody.pw_gid); network interfaces: lo")
        #expect(lines[2] == #"host parses the descriptor the parent opened: read "root only": 1 line, 2 words"#)
        #expect(lines[3].hasSuffix("/secret: cannot open it: Permission denied"))
        #expect(lines[4].hasSuffix("/note: cannot create it: Read-only file system"))
        #expect(lines[5] == "host connects to the parent's 127.0.0.1:\(port): cannot connect: Connection refused")
        #expect(lines[6] == "runaway call stopped: host was killed by SIGXCPU (hostExited)")
        #expect(lines[7].hasPrefix("parent is still uid 0, gid 0; ") && lines[7].hasSuffix("/note exists: false"))
    }

    @Test func distributedIndexer() async throws {
        let run = try await run("distributed-indexer")
        #expect(run.status == 0, "\(run.output)")
        let lines = run.lines.filter { !$0.hasPrefix("not root: ") }
        #expect(lines.count == 7, "\(run.output)")
        guard lines.count == 7 else { return }
        let first = numbers(in: lines[0])
        let second = numbers(in: lines[1])
        #expect(lines[0].hasPrefix("indexer 1 (pid ") && lines[0].hasSuffix("): private: 10 files"))
        #expect(lines[1].hasPrefix("indexer 2 (pid ") && lines[1].hasSuffix("): shared: 12 files"))
        #expect(first[1] != second[1] && first[1] != getpid() && second[1] != getpid())
        if geteuid() == 0, let nobody = getpwnam("nobody")?.pointee.pw_uid {
            #expect(first[2] == 0)
            #expect(second[2] == Int32(bitPattern: nobody))
            #expect(lines[2].hasPrefix("indexer 2 cannot count the private tree: ") && lines[2].hasSuffix("/private: Permission denied"))
        }
        #expect(lines[3] == "progress board: indexer 1 reported 3 directories")
        #expect(lines[4] == "progress board: indexer 2 reported 4 directories")
        #expect(lines[5] == "indexer 2 stopped; a call to it now fails: stopped")
        #expect(lines[6] == "both hosts stopped")
        #expect(isGone(first[1]) && isGone(second[1]))
    }

    @Test func streamProgress() async throws {
        let run = try await run("stream-progress")
        #expect(run.status == 0, "\(run.output)")
        let lines = run.lines
        try #require(lines.count == 11, "\(run.output)")
        #expect(lines[0].hasPrefix("parent (pid ") && lines[0].contains("made 600 files under "))
        #expect(Array(lines[1...5]) == (0..<5).map { "walk 1: alpha/file-00\($0).txt, \($0 + 1) bytes" })
        // The host stopped walking: it found at least what the parent took, at most a window more.
        #expect(lines[6].hasPrefix("walk 1: the parent stopped after 5 files; the host's walk ended too, after ") && lines[6].hasSuffix(" files (finished: false)"))
        // A window is 128 elements (`StreamCredit.window`; these files are far under its bytes).
        #expect(numbers(in: lines[6]).dropFirst(2).first.map { (5...128).contains($0) } == true, "\(lines[6])")
        #expect(lines[7].hasPrefix("walk 2: the parent took 1 file; 200 ms later the host has found ") && lines[7].hasSuffix(" and waits (ended: false)"))
        let held = numbers(in: lines[7]).last ?? 0
        #expect((1...128).contains(held), "\(lines[7])")
        #expect(lines[8].hasPrefix("walk 2: cancelled the consuming task (it threw CancellationError); the host's walk ended after "))
        #expect(numbers(in: lines[8]).last.map { (held...128).contains($0) } == true, "\(lines[8])")
        #expect(lines[9] == "walk 3: all 600 files, 15300 bytes; the host's walk finished: true")
        #expect(lines[10] == "host stopped: exited with status 0")
    }

    @Test func scopedBridges() async throws {
        let run = try await run("scoped-bridges")
        #expect(run.status == 0, "\(run.output)")
        let lines = run.lines
        try #require(lines.count == 4, "\(run.output)")
        #expect(lines[0].hasPrefix("nested: inner host ") && lines[0].contains("gone after its block: true") && lines[0].hasSuffix("still running: true"))
        #expect(lines[1].hasPrefix("nested: 4² + 3² = 25; outer host ") && lines[1].hasSuffix("gone: true"))
        #expect(lines[2] == "concurrent: squares [1, 4, 9] from 3 hosts, all gone: true")
        #expect(lines[3].hasPrefix("throwing: the block threw GaveUp; host ") && lines[3].hasSuffix("gone: true"))
        // Checked from here as well: every host the example named is gone.
        let hosts = numbers(in: lines[0]).prefix(1) + numbers(in: lines[3]).prefix(1)
        #expect(hosts.count == 2 && hosts.allSatisfy(isGone))
    }

    @Test func progressCallback() async throws {
        let run = try await run("progress-callback")
        #expect(run.status == 0, "\(run.output)")
        let lines = run.lines
        try #require(lines.count == 10, "\(run.output)")
        #expect(lines[0] == "all files:")
        #expect(lines[5] == "total: 10 lines")
        #expect(lines[6] == "until the parent says stop, after 2 files:")
        #expect(lines[9] == "total: 3 lines")
        let reports = Array(lines[1...4]) + Array(lines[7...8])
        let files = ["file1.txt: 1 line ", "file2.txt: 2 lines", "file3.txt: 3 lines", "file4.txt: 4 lines", "file1.txt: 1 line ", "file2.txt: 2 lines"]
        for (report, file) in zip(reports, files) {
            #expect(report.contains(" counted \(file)"), "\(report)")
        }
        // Each report names the host that counted and the parent that printed: two processes.
        let processes = reports.map { numbers(in: $0) }.map { ($0.first!, $0.last!) }
        #expect(Set(processes.map(\.0)).count == 1 && Set(processes.map(\.1)).count == 1)
        #expect(processes[0].0 != processes[0].1, "the host and the parent are one process")
    }

    @Test func sharedState() async throws {
        let run = try await run("shared-counter")
        #expect(run.status == 0, "\(run.output)")
        #expect(run.lines == [
            #"a host appended to the parent's list: ["a"]"#,
            "most frequent: the 15, dog 5, fox 5, quick 4",
            "files counted: 6, by 3 hosts",
            "total words: 62; the same as counting here: true",
        ], "\(run.output)")
    }

    @Test func crashIsolatedPool() async throws {
        let run = try await run("crash-isolated-pool")
        #expect(run.status == 0, "\(run.output)")
        let lines = run.lines
        try #require(lines.count == 18, "\(run.output)")
        #expect(Array(lines[0..<11]).enumerated().allSatisfy { index, line in
            [
                "1+2+3: 6", "crash:pointer: its host was killed by SIGSEGV", "10+20: 30", "crash:fatal: its host was killed by SIG",
                "7: 7", "freeze: its host was killed by SIGKILL", "40+2: 42", "loop: no answer within 2 s", "5+5+5: 15",
                "x+1: not a sum", "100+1: 101",
            ].map { line.hasPrefix($0) }[index]
        }, "\(run.output)")
        #expect(lines[11] == "restarts: 4")
        #expect(lines[16] == "good inputs answered: 7 of 7")
        #expect(lines[17] == "hosts started: 7; all gone after the pool: true")
    }

    @Test func crossTarget() async throws {
        let run = try await run("cross-target")
        #expect(run.status == 0, "\(run.output)")
        #expect(run.lines.first?.hasSuffix("links LocalVault: false") == true, "the client must not link the real type")
        #expect(run.lines.contains { $0.hasPrefix("started host ") && $0.hasSuffix("/cross-target-host") })
        #expect(run.lines.contains { $0.hasPrefix("host ") && $0.hasSuffix(" says: hello from the host-only target") })
        #expect(run.lines.last == #"host threw VaultError.noSuchSecret("missing"), received as itself"#)
    }

    @Test func distributedCrossTarget() async throws {
        let run = try await run("distributed-cross-target")
        #expect(run.status == 0, "\(run.output)")
        #expect(run.lines == [
            "client (pid \(numbers(in: run.lines.first ?? "").first ?? 0)) links LocalGreeting: false",
            "host \(numbers(in: run.lines.dropFirst().first ?? "").first ?? 0) says: hello, client, from the host-only target",
            "host threw GreetingError.nobodyToGreet, received as itself",
        ], "the client must not link the actor, and must reach it through the stub")
        #expect(numbers(in: run.lines.dropFirst().first ?? "").first != numbers(in: run.lines.first ?? "").first)
    }

    @Test func crossTargetWithoutItsHostSaysHowToBuildIt() async throws {
        // The client alone in a directory: no host executable next to it. A hard link, not a
        // copy: a copy is open for writing a moment, and a child another test spawns then
        // would inherit that descriptor and make running the copy fail with "text file busy".
        let directory = Self.productsDirectory.appendingPathComponent("cross-target-alone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.linkItem(at: Self.productsDirectory.appendingPathComponent("cross-target"), to: directory.appendingPathComponent("cross-target"))
        let run = try await run("cross-target", in: directory)
        #expect(run.status == 1)
        #expect(run.output.contains("there is no host executable 'cross-target-host' next to this program"), "\(run.output)")
        #expect(run.output.contains("swift build --product cross-target-host"))
    }

    @Test func hostExecutableRunByHandExplainsItself() async throws {
        let run = try await run("cross-target-host")
        #expect(run.status == 64)
        #expect(run.output.hasPrefix("This executable is a swift-process-bridge host."))
    }
}
