import Foundation

/// The file a bridge starts as its host, and what to say when that file never became one.
struct HostExecutable: Sendable {
    /// The path given to `posix_spawn`.
    var path: String
    /// Whether this is the parent's own binary started again (`BridgeOptions.executable` nil).
    var isParent: Bool

    /// This binary when `executable` is nil; a bare name is looked for next to this binary,
    /// where SwiftPM puts the other products of a package.
    init(_ executable: String?) throws(BridgeError) {
        guard let executable else {
            // /proc/self/exe on Linux: the running image, even when its file was renamed,
            // deleted or replaced, and whichever way the program was started (symbolic link,
            // relative path, PATH).
            self.init(path: System.currentExecutablePath(), isParent: true)
            return
        }
        guard !executable.contains("/") else {
            self.init(path: executable, isParent: false)
            return
        }
        let directory = System.currentExecutableFile().split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let path = directory + "/" + executable
        guard System.isExecutableFile(path) else {
            throw .startFailed("there is no host executable '\(executable)' next to this program (looked for \(path)); build it first (swift build --product \(executable)), or give BridgeOptions.executable a path")
        }
        self.init(path: path, isParent: false)
    }

    private init(path: String, isParent: Bool) {
        self.path = path
        self.isParent = isParent
    }

    /// Why a host that ended, or did not answer, before it could serve may never have been a
    /// host at all, as a sentence to append to the error; nil when the file is a host.
    ///
    /// Read only after such a failure: a binary that links `Bridge` holds the name of the
    /// variable that starts host mode (in `CBridge`'s constructor), also when stripped.
    var notAHostExplanation: String? {
        guard !isParent, let linksBridge = Self.fileContains(path, System.hostVariable) else { return nil }
        guard !linksBridge else { return nil }
        return " '\(path)' does not link Bridge, so it cannot be a bridge host: it ran as a plain program. "
            + "A host executable depends on the `Bridge` product and the target that has the real type (see BridgeHostMain)."
    }

    /// Whether the file at `path` contains `marker`; nil if it cannot be read.
    private static func fileContains(_ path: String, _ marker: String) -> Bool? {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        let marker = Data(marker.utf8)
        var tail = Data()  // The end of the previous chunk, for a marker that straddles two.
        while true {
            let chunk: Data?
            do {
                chunk = try file.read(upToCount: 1 << 20)
            } catch {
                return nil
            }
            guard let chunk, !chunk.isEmpty else { return false }  // nil: the end of the file
            let window = tail + chunk
            if window.range(of: marker) != nil { return true }
            tail = window.suffix(marker.count - 1)
        }
    }
}
