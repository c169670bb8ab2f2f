/// A real type whose concurrent calls a host starts in place: on the thread that read the call,
/// where each runs until it first suspends (`RunningCalls.startInPlace`), rather than in a task
/// that a pool thread must be woken for.
///
/// Only for a type whose calls are serialized anyway, as an actor host's are by its actor: in
/// place, a call that computes without suspending holds up the reading of the next call, which
/// would take away the parallelism a plain `BridgeConcurrentCalls` type asked for.
package protocol StartsCallsInPlace: BridgeConcurrentCalls {}
