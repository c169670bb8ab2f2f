@testable import Bridge
import Testing

/// Calls that go out together, and who reads their replies: the task that sent the batch, on
/// the thread that runs the callers, rather than a reader thread that would then have to wake
/// them. The state machine alone, as in `ConnectionStateTests`.
@Suite struct BatchReadingTests {
    private func reply(_ callID: UInt32) -> Frame {
        Frame(kind: .returned, callID: callID, payload: [])
    }

    /// Registers a task's call that goes out in a batch: on a fresh state, the call with which
    /// a lone task probes for company every `CallCompany.probeEvery` calls.
    private func registerBatchCall(_ state: inout ConnectionState, _ method: String) throws -> ConnectionState.TaskRegistration {
        for _ in 0..<CallCompany.probeEvery {
            let call = try state.registerTask(method: method, onPool: true)
            if !call.readsOwnReply { return call }
            _ = state.stopReading(for: call.callID)
        }
        Issue.record("no call went out in a batch")
        throw CancellationError()
    }

    /// A state in which a lone caller read its reply and, before it, another's, whose task it
    /// resumed: nothing waits, nobody reads, and one resumed task has yet to run.
    private func stateWithAResumedTaskToRun(batches: Bool) async throws -> Locked<ConnectionState> {
        let state = Locked(ConnectionState(batches: batches))
        let first = try state.withLock { try $0.registerTask(method: "first()") }
        #expect(first.readsOwnReply)
        let second = try state.withLock { try $0.registerTask(method: "second()") }
        #expect(!second.readsOwnReply && second.goesOutWithOthers)
        let frame = try await withUnsafeThrowingContinuation { continuation in
            let suspension = state.withLock {
                $0.suspend(second.callID, on: continuation, method: "second()", handingOverReading: false, isCancelled: false, timedOut: nil)
            }
            #expect(suspension.ready == nil)
            guard case .waiter(let waiter) = state.withLock({ $0.replyArrived(self.reply(second.callID)) }) else {
                Issue.record("the second's reply found no waiter")
                continuation.resume(throwing: CancellationError())
                return
            }
            waiter.resume(with: .success(self.reply(second.callID)))
        }
        #expect(frame.callID == second.callID)
        state.withLock { _ = $0.stopReading(for: first.callID) }
        #expect(state.withLock { $0.reader == .nobody && $0.resumedTasks == 1 })
        return state
    }

    /// A task whose call finds resumed tasks still to run sends its call with theirs, and
    /// nobody is woken to read: the role stays free for whoever sends the batch.
    @Test func aCallMadeWhileOthersAreInFlightLeavesReadingToTheBatchSender() async throws {
        let state = try await stateWithAResumedTaskToRun(batches: true)
        let third = try state.withLock { try $0.registerTask(method: "third()", onPool: false) }
        #expect(!third.readsOwnReply && third.goesOutWithOthers)
        guard case .nothing = third.handOff else {
            Issue.record("a reader was woken for a call that goes out in a batch: \(third.handOff)")
            return
        }
        #expect(state.withLock { $0.reader == .nobody })
        guard case .reads = state.withLock({ $0.takeReadingForBatch(third.callID) }) else {
            Issue.record("the batch's sender did not take the free role")
            return
        }
        #expect(state.withLock { $0.reader == .caller(third.callID) })
        state.withLock { $0.resumedTaskRuns() }
    }

    /// A call with a large frame goes out as it comes, never in a batch (where it would be
    /// copied into the outbox once more): it does not wait for the resumed tasks as a small
    /// one would, and one made while others are in flight is written at once, not joined to
    /// theirs.
    @Test func aLargeCallNeverGoesOutInABatch() async throws {
        let state = try await stateWithAResumedTaskToRun(batches: true)
        let first = try state.withLock { try $0.registerTask(method: "first large()", onPool: true, large: true) }
        #expect(first.readsOwnReply && !first.goesOutWithOthers)
        let second = try state.withLock { try $0.registerTask(method: "second large()", onPool: true, large: true) }
        #expect(!second.readsOwnReply && !second.goesOutWithOthers)
        let small = try state.withLock { try $0.registerTask(method: "small()", onPool: true) }
        #expect(!small.readsOwnReply && small.goesOutWithOthers)
        state.withLock { $0.resumedTaskRuns() }
    }

    /// A large call made alone reads its own reply, and never waits a turn for company.
    @Test func aLoneLargeCallReadsItsOwnReplyWithoutWaitingForCompany() throws {
        var state = ConnectionState(batches: true)
        for _ in 0..<(2 * CallCompany.probeEvery) {
            let call = try state.registerTask(method: "large()", onPool: true, large: true)
            #expect(call.readsOwnReply && !call.goesOutWithOthers)
            _ = state.stopReading(for: call.callID)
        }
    }

    /// A batch's sender whose call is gone (the connection ended while it waited its turn,
    /// and failed every call) does not take the role for a reply that will never come.
    @Test func aBatchSenderWhoseCallIsGoneDoesNotRead() throws {
        var state = ConnectionState(batches: true)
        let sender = try registerBatchCall(&state, "sender()")
        _ = try state.registerTask(method: "other()", onPool: true)
        #expect(state.reader == .nobody)
        let ending = state.end(because: nil, disconnected: .hostExited(processID: 1, termination: .exited(0), method: nil))
        #expect(ending.failed.count == 2)
        guard case .waits = state.takeReadingForBatch(sender.callID) else {
            Issue.record("the sender read for a call that is gone")
            return
        }
        #expect(state.reader != .caller(sender.callID))
    }

    /// A batch's sender that finds somebody reading (a blocked caller, or the own reader)
    /// leaves the role with them and waits.
    @Test func aBatchSenderThatFindsAReaderWaits() throws {
        var state = ConnectionState(batches: true)
        let sender = try registerBatchCall(&state, "sender()")
        guard case .reads(let blocked) = try state.registerThread(method: "blocked()", reply: nil) else {
            Issue.record("the blocked caller did not take the free role")
            return
        }
        guard case .waits(.nothing) = state.takeReadingForBatch(sender.callID) else {
            Issue.record("the sender took the role from a reader")
            return
        }
        #expect(state.reader == .caller(blocked))
    }

    /// A lone task on the pool waits a turn for company only every `probeEvery`-th call, until
    /// a batch finds company; then every lone call waits, until a batch goes out alone.
    /// A caller on an actor never waits: its calls are made one after another anyway.
    @Test func aLoneTaskWaitsForCompanyWhenTheLastBatchHadIt() async throws {
        var state = ConnectionState(batches: true)
        func loneCall(onPool: Bool = true) throws -> ConnectionState.TaskRegistration {
            let call = try state.registerTask(method: "lone()", onPool: onPool)
            if call.readsOwnReply {
                _ = state.stopReading(for: call.callID)
            }
            return call
        }
        for _ in 1..<CallCompany.probeEvery { #expect(try loneCall().readsOwnReply) }
        let probe = try state.registerTask(method: "probe()", onPool: true)
        #expect(!probe.readsOwnReply && probe.goesOutWithOthers, "the probe waits for company")
        // Company came: another call joined the probe's batch.
        let joined = try state.registerTask(method: "joined()", onPool: true)
        guard case .reads = state.takeReadingForBatch(probe.callID) else {
            Issue.record("the probe did not read")
            return
        }
        // The joined call's reply comes before its task suspends; the task takes it then.
        _ = state.replyArrived(reply(joined.callID))
        let taken = try await withUnsafeThrowingContinuation { continuation in
            let ready = state.suspend(
                joined.callID, on: continuation, method: "joined()", handingOverReading: false, isCancelled: false, timedOut: nil
            ).ready
            continuation.resume(with: ready ?? .failure(CancellationError()))
        }
        #expect(taken.callID == joined.callID)
        _ = state.stopReading(for: probe.callID)
        #expect(state.pending.isEmpty)
        // Every lone call waits now, until a batch goes out alone.
        let waits = try state.registerTask(method: "waits()", onPool: true)
        #expect(!waits.readsOwnReply && waits.goesOutWithOthers)
        guard case .reads = state.takeReadingForBatch(waits.callID) else {
            Issue.record("a batch's lone sender did not read")
            return
        }
        _ = state.stopReading(for: waits.callID)
        #expect(try loneCall().readsOwnReply, "the last batch went out alone")
        for _ in 0..<(2 * CallCompany.probeEvery) { #expect(try loneCall(onPool: false).readsOwnReply) }
    }

    /// In a process on more than one CPU calls go out as they come: a call made while a
    /// resumed task has yet to run goes out alone and its caller reads; a lone task never
    /// waits for company.
    @Test func withoutBatchesEveryCallGoesOutAsItComes() async throws {
        let state = try await stateWithAResumedTaskToRun(batches: false)
        let third = try state.withLock { try $0.registerTask(method: "third()", onPool: true) }
        #expect(third.readsOwnReply && !third.goesOutWithOthers)
        state.withLock { _ = $0.stopReading(for: third.callID) }
        state.withLock { $0.resumedTaskRuns() }
        for _ in 0..<(2 * CallCompany.probeEvery) {
            let lone = try state.withLock { try $0.registerTask(method: "lone()", onPool: true) }
            #expect(lone.readsOwnReply && !lone.goesOutWithOthers)
            state.withLock { _ = $0.stopReading(for: lone.callID) }
        }
    }

    /// A call with no time at all is withdrawn before it is sent: the role it took passes on.
    @Test func aWithdrawnCallPassesTheRoleOn() throws {
        var state = ConnectionState(batches: true)
        let lone = try state.registerTask(method: "lone()")
        #expect(lone.readsOwnReply)
        guard case .nothing = state.withdraw(lone.callID) else {
            Issue.record("nothing waits, yet the role was handed on")
            return
        }
        #expect(state.reader == .nobody && state.pending.isEmpty)
    }
}
