#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CBridge

// The environment, the working directory, and what /proc tells.

extension System {
    // MARK: Environment and directory

    /// The environment as `NAME=value` strings.
    package static func environment() -> [String] {
        var result: [String] = []
        guard var entry = cbridge_environment() else { return result }
        while let pointer = entry.pointee {
            result.append(String(cString: pointer))
            entry += 1
        }
        return result
    }

    package static func environmentValue(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    package static func removeEnvironmentValue(_ name: String) {
        unsetenv(name)
    }

    package static func changeDirectory(_ path: String) throws(SystemError) {
        guard chdir(path) == 0 else { throw SystemError("chdir to \(path)", code: errno) }
    }

    package static func exit(_ code: CInt) -> Never {
        platformExit(code)
    }

    // MARK: Census

    /// The names in a directory, without `.` and `..`; nil if it cannot be read (no `/proc`).
    package static func directoryEntries(_ path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = String(cString: cbridge_directory_entry_name(entry))
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// A small file's text, such as one under `/proc`, whose size `stat` does not tell; nil if
    /// it cannot be read.
    package static func readSmallFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { _ = platformClose(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            switch valueOrErrno(retryingOnInterrupt: { chunk.withUnsafeMutableBytes { platformRead(descriptor, $0.baseAddress, $0.count) } }) {
            case .success(0): return String(decoding: bytes, as: UTF8.self)
            case .success(let count): bytes += chunk.prefix(count)
            case .failure: return nil
            }
        }
    }
}
