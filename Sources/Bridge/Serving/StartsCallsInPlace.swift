/// A real type whose concurrent calls a host starts in place: on the thread that read the call,
/// where each runs until it first suspends (`RunningCalls.start` with a
/// `ServingExecutor`), rather than on a pool thread that must be woken for it.
///
/// Only for a type whose calls are mostly serialized anyway, as an actor host's are by its
/// actor: in place, a call that computes (or blocks) without suspending holds up the reading of
/// the next call, which would take away the parallelism a plain `BridgeConcurrentCalls` type
/// asked for. What an actor host gives up: while one call runs before its first suspension,
/// calls to the host's other actors wait too; and child tasks the call starts before then
/// (`async let`, a task group) inherit the executor and start on the serving thread, one after
/// another, each until it first suspends.
package protocol StartsCallsInPlace: BridgeConcurrentCalls {}
