import Bridge
import Foundation

/// What the soak calls: values go to the host and come back.
protocol SoakEcho: Bridged {
    func echoText(_ text: String) async throws -> String
    func echoData(_ data: Data) async throws -> Data
}

final class LocalSoakEcho: SoakEcho {
    init() {}
    func echoText(_ text: String) async throws -> String { text }
    func echoData(_ data: Data) async throws -> Data { data }
}
