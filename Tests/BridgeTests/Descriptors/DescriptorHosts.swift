import Bridge
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A descriptor with a name, to pass one inside a struct.
struct LabeledDescriptor: Codable, Sendable {
    var label: String
    var file: BridgeFileDescriptor
}

/// What a parent's object receives from the host: descriptors as callback arguments.
protocol DescriptorReceiver: Bridged, Sendable {
    /// Takes a file the host made, and what it holds.
    func receive(_ file: BridgeFileDescriptor, holding text: String) async throws
    /// A file the parent makes, holding `text`: a descriptor in a callback's result.
    func provide(holding text: String) async throws -> BridgeFileDescriptor
}

/// A host that uses, makes and hands back descriptors.
protocol DescriptorWorker: Bridged {
    /// Writes `text` into `descriptor` (a pipe's write end); returns the bytes written.
    func write(_ text: String, into descriptor: BridgeFileDescriptor) async throws -> Int
    /// A memfd holding `text`, read from its start.
    func memoryFile(holding text: String) async throws -> BridgeFileDescriptor
    /// What each file holds, read from its start.
    func contents(of descriptors: [BridgeFileDescriptor]) async throws -> [String]
    /// The label and what the file holds.
    func contents(of labeled: LabeledDescriptor) async throws -> String
    /// `count` memfds, holding "0", "1", ...
    func files(count: Int) async throws -> AsyncThrowingStream<BridgeFileDescriptor, any Error>
    /// Gives `receiver` `count` memfds holding "0", "1", ...; returns `count`.
    func handBack(count: Int, to receiver: any DescriptorReceiver) async throws -> Int
    /// What the file `provider` makes holds, read in the host.
    func ask(_ provider: any DescriptorReceiver, for text: String) async throws -> String
    /// Whether each received descriptor is close-on-exec, in the host.
    func closeOnExec(_ descriptors: [BridgeFileDescriptor]) async throws -> [Bool]
    /// Never returns.
    func hold(_ descriptors: [BridgeFileDescriptor]) async throws
}

enum DescriptorFailure: Error, Codable {
    case system(call: String, errno: Int32)
}

/// Reads what `descriptor` holds from its start (a pipe: what is in it, until its end).
func readAll(_ descriptor: Int32) throws -> String {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    var offset: off_t = 0
    let seekable = lseek(descriptor, 0, SEEK_CUR) >= 0
    while true {
        let count = seekable ? pread(descriptor, &buffer, buffer.count, offset) : read(descriptor, &buffer, buffer.count)
        guard count >= 0 else { throw DescriptorFailure.system(call: "read", errno: errno) }
        if count == 0 { break }
        result += buffer[..<count]
        offset += off_t(count)
    }
    return String(decoding: result, as: UTF8.self)
}

/// `memfd_create`, which Glibc's Swift module does not bring (it is a GNU extension).
private let memfdCreate = unsafeBitCast(
    dlsym(UnsafeMutableRawPointer(bitPattern: 0), "memfd_create"),  // RTLD_DEFAULT
    to: (@convention(c) (UnsafePointer<CChar>, UInt32) -> Int32).self)

/// A memfd holding `text`.
func makeMemoryFile(_ text: String) throws -> BridgeFileDescriptor {
    let descriptor = memfdCreate("bridge-test", 1)  // MFD_CLOEXEC
    guard descriptor >= 0 else { throw DescriptorFailure.system(call: "memfd_create", errno: errno) }
    defer { close(descriptor) }
    var text = text
    let written = text.withUTF8 { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    guard written == text.utf8.count else { throw DescriptorFailure.system(call: "write", errno: errno) }
    return try BridgeFileDescriptor(duplicating: descriptor)
}

final class LocalDescriptorWorker: DescriptorWorker {
    init() {}

    func write(_ text: String, into descriptor: BridgeFileDescriptor) async throws -> Int {
        var text = text
        return text.withUTF8 { Glibc.write(descriptor.rawValue, $0.baseAddress, $0.count) }
    }

    func memoryFile(holding text: String) async throws -> BridgeFileDescriptor {
        try makeMemoryFile(text)
    }

    func contents(of descriptors: [BridgeFileDescriptor]) async throws -> [String] {
        try descriptors.map { try readAll($0.rawValue) }
    }

    func contents(of labeled: LabeledDescriptor) async throws -> String {
        "\(labeled.label): \(try readAll(labeled.file.rawValue))"
    }

    func files(count: Int) async throws -> AsyncThrowingStream<BridgeFileDescriptor, any Error> {
        let files = try (0..<count).map { try makeMemoryFile(String($0)) }
        return AsyncThrowingStream { continuation in
            for file in files { continuation.yield(file) }
            continuation.finish()
        }
    }

    func handBack(count: Int, to receiver: any DescriptorReceiver) async throws -> Int {
        for index in 0..<count {
            try await receiver.receive(try makeMemoryFile(String(index)), holding: String(index))
        }
        return count
    }

    func ask(_ provider: any DescriptorReceiver, for text: String) async throws -> String {
        let file = try await provider.provide(holding: text)
        return try readAll(file.rawValue)
    }

    func closeOnExec(_ descriptors: [BridgeFileDescriptor]) async throws -> [Bool] {
        descriptors.map { fcntl($0.rawValue, F_GETFD) & FD_CLOEXEC != 0 }
    }

    func hold(_ descriptors: [BridgeFileDescriptor]) async throws {
        while true { pause() }
    }
}
