import Foundation

/// Reads a host's standard output and standard error from two pipes and hands them to a
/// handler line by line, on a thread of its own, until both pipes reach end of file.
final class HostOutputReader: Sendable {
    /// The longest line kept whole; a longer one is handed over in pieces.
    static let maximumLineLength = 64 << 10

    /// Set when both pipes reached end of file and every line was handled.
    let finished = OneShot<Bool>()

    private let output: FileDescriptor
    private let error: FileDescriptor
    private let handler: @Sendable (BridgeOutputLine) -> Void

    /// - Parameters:
    ///   - output: The read end of the host's standard output.
    ///   - error: The read end of the host's standard error.
    init(output: FileDescriptor, error: FileDescriptor, handler: @escaping @Sendable (BridgeOutputLine) -> Void) {
        self.output = output
        self.error = error
        self.handler = handler
    }

    /// Starts reading; lines carry `processID`.
    func start(processID: ProcessID) {
        let thread = Thread { [self] in read(processID: processID) }
        thread.name = "swift-process-bridge output \(processID)"
        thread.start()
    }

    private func read(processID: ProcessID) {
        var streams = [
            LineSplitter(descriptor: output, stream: .standardOutput),
            LineSplitter(descriptor: error, stream: .standardError),
        ]
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 << 10, alignment: 1)
        defer { buffer.deallocate() }
        while streams.contains(where: { $0.isOpen }) {
            let open = streams.indices.filter { streams[$0].isOpen }
            guard let ready = try? System.waitReadable(open.map { streams[$0].descriptor }) else { break }
            for (index, isReady) in zip(open, ready) where isReady {
                let count = (try? System.read(streams[index].descriptor, into: buffer)) ?? 0
                let stream = streams[index].stream
                let emit = { [handler] (text: String) in handler(BridgeOutputLine(processID: processID, stream: stream, text: text)) }
                if count == 0 {
                    streams[index].finish(emit)
                } else {
                    streams[index].append(UnsafeRawBufferPointer(rebasing: buffer.prefix(count)), emit)
                }
            }
        }
        for stream in streams where stream.isOpen { System.close(stream.descriptor) }
        finished.set(true)
    }
}

/// Cuts one stream's bytes into lines.
private struct LineSplitter {
    let descriptor: FileDescriptor
    let stream: BridgeOutputLine.Stream
    private(set) var isOpen = true
    private var pending: [UInt8] = []

    init(descriptor: FileDescriptor, stream: BridgeOutputLine.Stream) {
        self.descriptor = descriptor
        self.stream = stream
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer, _ emit: (String) -> Void) {
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: 0x0A) {
            keep(bytes[start..<newline], emit)
            emit(String(decoding: pending, as: UTF8.self))
            pending.removeAll(keepingCapacity: true)
            start = newline + 1
        }
        keep(bytes[start...], emit)
    }

    /// Adds bytes of the current line, handing over whole pieces of a line that grew too long.
    private mutating func keep(_ bytes: Slice<UnsafeRawBufferPointer>, _ emit: (String) -> Void) {
        pending.append(contentsOf: bytes)
        let limit = HostOutputReader.maximumLineLength
        while pending.count > limit {
            emit(String(decoding: pending.prefix(limit), as: UTF8.self))
            pending.removeFirst(limit)
        }
    }

    /// At end of file: hands over a last line that has no newline, and closes the pipe.
    mutating func finish(_ emit: (String) -> Void) {
        if !pending.isEmpty { emit(String(decoding: pending, as: UTF8.self)) }
        pending = []
        isOpen = false
        System.close(descriptor)
    }
}
