/// An open file descriptor: a typed wrapper so that descriptors never travel as bare `Int32`.
package struct FileDescriptor: RawRepresentable, Hashable, Sendable {
    package let rawValue: CInt

    package init(rawValue: CInt) { self.rawValue = rawValue }
}

/// A failed system call: the call's name and `errno`.
package struct SystemError: Error, CustomStringConvertible, Sendable, Equatable {
    package let call: String
    package let code: CInt

    package init(_ call: String, code: CInt) {
        self.call = call
        self.code = code
    }

    package var description: String { "\(call) failed: \(System.errorText(code)) (errno \(code))" }

    /// The description with the errno's name: "unshare(CLONE_NEWNET) failed: EPERM (Operation
    /// not permitted)"; the call alone for a failure with no errno (code 0).
    package var namingErrno: String {
        code == 0 ? call : "\(call) failed: \(System.errorName(code)) (\(System.errorText(code)))"
    }
}

extension FileDescriptor {
    package static let standardOutput = FileDescriptor(rawValue: 1)
    package static let standardError = FileDescriptor(rawValue: 2)

    /// Writes text, ignoring failure: for diagnostics that have nowhere else to go.
    package func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = try? System.writeAll(self, UnsafeRawBufferPointer($0)) }
    }
}

/// A way for one thread to wake the event loop (`System.EventPoller`):
/// an eventfd on Linux (both ends are the same descriptor), a socket pair elsewhere.
package struct WakeUpSignal: Sendable {
    let waitingEnd: FileDescriptor
    let signallingEnd: FileDescriptor
}
