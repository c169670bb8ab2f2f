import Probe

/// The most common shape: an `@main` type with an async `main`, calls from the main actor.
@main
struct ProbeAsyncMain {
    static func main() async throws {
        Probe.waitForGoIfAsked()
        Probe.finish(await Probe.run(shape: "async @main"))
    }
}
