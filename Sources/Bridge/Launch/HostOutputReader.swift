import Foundation

/// Reads a host's standard output and standard error from pipes, on a thread of its own,
/// until every pipe reaches end of file: for a handler, line by line, or to the parent's own
/// descriptors, as the bytes came (see `OutputPipes`).
final class HostOutputReader: Sendable {
    /// Where what the host writes goes.
    enum Destination: Sendable {
        /// To the handler, a line at a time.
        case lines(@Sendable (BridgeOutputLine) -> Void)
        /// As it came, to this process's descriptor of the same number.
        case copy
    }

    /// The longest line kept whole; a longer one is handed over in pieces.
    static let maximumLineLength = 64 << 10

    /// Set when every pipe reached end of file and everything read was handed on.
    let finished = OneShot<Bool>()

    private let output: FileDescriptor?
    private let error: FileDescriptor?
    private let destination: Destination

    /// - Parameters:
    ///   - output: The read end of the host's standard output, if it is piped.
    ///   - error: The read end of the host's standard error, if it is piped.
    init(output: FileDescriptor?, error: FileDescriptor?, destination: Destination) {
        self.output = output
        self.error = error
        self.destination = destination
    }

    /// Starts reading; lines carry `processID`.
    func start(processID: ProcessID) {
        let thread = Thread { [self] in read(processID: processID) }
        thread.name = "swift-process-bridge output \(processID)"
        thread.start()
    }

    private func read(processID: ProcessID) {
        var streams: [LineSplitter] = []
        if let output { streams.append(LineSplitter(descriptor: output, stream: .standardOutput)) }
        if let error { streams.append(LineSplitter(descriptor: error, stream: .standardError)) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 << 10, alignment: 1)
        defer { buffer.deallocate() }
        while streams.contains(where: { $0.isOpen }) {
            let open = streams.indices.filter { streams[$0].isOpen }
            guard let ready = try? System.waitReadable(open.map { streams[$0].descriptor }) else { break }
            for (index, isReady) in zip(open, ready) where isReady {
                let count = (try? System.read(streams[index].descriptor, into: buffer)) ?? 0
                let bytes = UnsafeRawBufferPointer(rebasing: buffer.prefix(count))
                let stream = streams[index].stream
                switch destination {
                case .lines(let handler):
                    let emit = { (text: String) in handler(BridgeOutputLine(processID: processID, stream: stream, text: text)) }
                    if count == 0 { streams[index].finish(emit) } else { streams[index].append(bytes, emit) }
                case .copy:
                    // A parent that cannot write its own output loses the host's too, and
                    // nothing else: the pipe is still drained, so the host never blocks on it.
                    if count == 0 { streams[index].finish { _ in } } else { try? System.writeAll(stream.ownDescriptor, bytes) }
                }
            }
        }
        for stream in streams where stream.isOpen { System.close(stream.descriptor) }
        finished.set(true)
    }
}

extension BridgeOutputLine.Stream {
    /// This process's own descriptor of the stream, 1 or 2: where a host's copied bytes go.
    fileprivate var ownDescriptor: FileDescriptor { self == .standardOutput ? .standardOutput : .standardError }
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
