/// A problem found in the input, printed the way compilers print them so that IDEs and build
/// logs point at the right place.
struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// Errors stop the generator from writing anything; warnings do not.
    enum Severity: String, Hashable, Sendable {
        case error
        case warning
    }

    var severity: Severity
    var location: SourceLocation
    var message: String

    static func error(_ message: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(severity: .error, location: location, message: message)
    }

    static func warning(_ message: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(severity: .warning, location: location, message: message)
    }

    /// `<path>:<line>:<column>: error: <message>`
    var description: String {
        "\(location.path):\(location.line):\(location.column): \(severity.rawValue): \(message)"
    }
}
