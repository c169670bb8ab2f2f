// Built with `-sanitize=fuzzer -DBRIDGE_FUZZ` (scripts/fuzz.sh), this is a libFuzzer target:
// `main` hands its arguments (libFuzzer's flags and corpus directories) to libFuzzer's driver.
// (SwiftPM points the executable's `main` at the module's own entry point, so libFuzzer's
// `main` cannot be used.) Built plainly (`swift build`), it replays inputs instead, so that a
// crash the fuzzer found can be run again under a debugger:
//
//     swift run bridge-fuzz Fuzz/corpus crash-1234abcd
//     swift run bridge-fuzz --write-seeds Fuzz/corpus
import Foundation

#if BRIDGE_FUZZ
import CFuzzerDriver

@main
enum Fuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            fuzzOneInput(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
            return 0
        })
    }
}
#else
@main
enum Replay {
    static func main() {
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            FileHandle.standardError.write(Data("usage: bridge-fuzz <file or directory>... (replays inputs) | bridge-fuzz --write-seeds <directory>\n".utf8))
            exit(64)
        }
        if paths.first == "--write-seeds", paths.count == 2 {
            do {
                try Seeds.write(to: paths.last!)
            } catch {
                FileHandle.standardError.write(Data("bridge-fuzz: the seeds could not be written to \(paths.last!): \(error)\n".utf8))
                exit(1)
            }
            return
        }
        var count = 0
        for path in paths {
            for file in files(at: path) {
                guard let bytes = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("bridge-fuzz: cannot read \(file); check the path\n".utf8))
                    exit(66)
                }
                fuzzOneInput([UInt8](bytes))
                count += 1
            }
        }
        print("replayed \(count) inputs without a crash")
    }

    /// `path` if it is a file, else the files in the directory, sorted.
    private static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
              let names = try? FileManager.default.contentsOfDirectory(atPath: path)
        else { return [path] }
        return names.sorted().map { path + "/" + $0 }
    }
}
#endif
