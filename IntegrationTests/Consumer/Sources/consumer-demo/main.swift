import Bridge
import Foundation
import Greeting

let greeting = try await withBridge(LocalGreeter.self) { greeter in
    let hostID = try greeter.processID()
    precondition(hostID != ProcessInfo.processInfo.processIdentifier, "the greeter must run in another process")
    return try await greeter.greet("consumer")
}
print(greeting)
