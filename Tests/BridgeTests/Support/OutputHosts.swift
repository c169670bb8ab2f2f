import Bridge
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes to its standard output and standard error.
protocol Printer: Bridged {
    /// Writes `text` as is to descriptor 1 or 2, unbuffered.
    func write(_ text: String, toDescriptor descriptor: Int32) async throws
    /// Prints `text` with Swift's `print`, which C stdio buffers.
    func printLine(_ text: String) async throws
    /// What descriptors 1 and 2 refer to.
    func outputTargets() async throws -> [String]
}

final class LocalPrinter: Printer {
    init() {}

    func write(_ text: String, toDescriptor descriptor: Int32) async throws {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count <= 0 { return }
                offset += count
            }
        }
    }

    func printLine(_ text: String) async throws { print(text) }

    func outputTargets() async throws -> [String] {
        try [1, 2].map { try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)") }
    }
}

/// Collects what a bridge hands to a handler, from any thread.
final class Collector<Value: Sendable>: Sendable {
    private let values = Locked<[Value]>([])

    func append(_ value: Value) { values.withLock { $0.append(value) } }

    var all: [Value] { values.withLock { $0 } }
}
