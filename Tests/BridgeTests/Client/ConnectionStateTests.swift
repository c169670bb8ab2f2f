@testable import Bridge
import Testing

/// The connection's state machine alone: no process, socket or thread. Each test drives the
/// events in an order that real calls reach only by chance, and checks what the machine asks
/// the connection to do.
@Suite struct ConnectionStateTests {
    private func reply(_ callID: UInt32) -> Frame {
        Frame(kind: .returned, callID: callID, payload: [UInt8(truncatingIfNeeded: callID)])
    }

    private let outOfTime = BridgeError.timedOut("'slow()' got no reply in time", method: "slow()")

    /// Suspends for `callID`'s reply, as `awaitReply` does, then runs `then` under the lock
    /// (the event that resumes the call), and returns what the call resumed with.
    private func suspend(
        _ state: Locked<ConnectionState>, _ callID: UInt32, method: String, handingOverReading: Bool = false,
        isCancelled: Bool = false, timedOut: BridgeError? = nil,
        seen: Locked<ConnectionState.Suspension?> = Locked(nil),
        then: @escaping @Sendable (inout ConnectionState) -> (ConnectionState.Waiter, Result<Frame, any Error>)? = { _ in nil }
    ) async -> Result<Frame, any Error> {
        do {
            return .success(
                try await withUnsafeThrowingContinuation { continuation in
                    let suspension = state.withLock {
                        $0.suspend(
                            callID, on: continuation, method: method, handingOverReading: handingOverReading,
                            isCancelled: isCancelled, timedOut: timedOut)
                    }
                    seen.withLock { $0 = suspension }
                    if let ready = suspension.ready {
                        continuation.resume(with: ready)
                    } else if let (waiter, result) = state.withLock(then) {
                        waiter.resume(with: result)
                    }
                })
        } catch {
            return .failure(error)
        }
    }

    /// A task resumed with its reply counts until it runs: a call made meanwhile is not lone,
    /// for the resumed task is likely to call again at once (the parent then does not hand its
    /// CPU over to the host while it waits). A reply the caller found on suspending, and an
    /// error, never counted.
    @Test func tasksResumedWithTheirRepliesCountUntilTheyRun() async throws {
        let state = Locked(ConnectionState())
        let first = try state.withLock { try $0.registerTask(method: "first()") }
        let second = try state.withLock { try $0.registerTask(method: "second()") }
        #expect(first.readsOwnReply && !second.readsOwnReply)
        let result = await suspend(state, second.callID, method: "second()") { state in
            guard case .waiter(let waiter) = state.replyArrived(self.reply(second.callID)) else { return nil }
            return (waiter, .success(self.reply(second.callID)))
        }
        #expect((try? result.get())?.callID == second.callID)
        #expect(state.withLock { $0.resumedTasks } == 1)
        state.withLock { $0.resumedTaskRuns() }
        #expect(state.withLock { $0.resumedTasks } == 0)
        // Cancelled: failed, not resumed with a reply.
        let third = try state.withLock { try $0.registerTask(method: "third()") }
        _ = await suspend(state, third.callID, method: "third()") { state in
            state.abandon(third.callID, because: CancellationError()).map { ($0, .failure(CancellationError())) }
        }
        #expect(state.withLock { $0.resumedTasks } == 0)
    }

    /// A lone call: one in flight, read by its own caller, with no task resumed with its reply
    /// still to run. Derived from the state as it is, so it holds only while all of that does.
    @Test func aLoneCallIsOneReadByItsCallerWithNoResumedTaskToRun() async throws {
        let state = Locked(ConnectionState())
        let first = try state.withLock { try $0.registerTask(method: "first()") }
        #expect(state.withLock { $0.isLoneCall })
        let second = try state.withLock { try $0.registerTask(method: "second()") }
        #expect(!state.withLock { $0.isLoneCall }, "two in flight")
        _ = await suspend(state, second.callID, method: "second()") { state in
            guard case .waiter(let waiter) = state.replyArrived(self.reply(second.callID)) else { return nil }
            return (waiter, .success(self.reply(second.callID)))
        }
        #expect(!state.withLock { $0.isLoneCall }, "the second's task has yet to run")
        state.withLock { $0.resumedTaskRuns() }
        #expect(state.withLock { $0.isLoneCall })
        _ = state.withLock { $0.stopReading(for: first.callID) }
        #expect(!state.withLock { $0.isLoneCall }, "nothing in flight")
        // The own reader reads for a task: not lone.
        let third = try state.withLock { try $0.registerTask(method: nil) }
        #expect(!third.readsOwnReply && !state.withLock { $0.isLoneCall })
    }

    @Test func aLoneCallReadsItsOwnReplyAndHandsTheRoleToTheOwnReaderForOthers() throws {
        var state = ConnectionState()
        let first = try state.registerTask(method: "first()")
        #expect(first.readsOwnReply && !first.goesOutWithOthers)
        #expect(state.reader == .caller(first.callID))
        let second = try state.registerTask(method: "second()")
        #expect(!second.readsOwnReply && second.goesOutWithOthers)
        // The reader reads the second's reply before its caller suspended: it is kept.
        guard case .nowhere = state.replyArrived(reply(second.callID)) else {
            Issue.record("an early reply was not kept")
            return
        }
        guard case .wakeOwnReader = state.stopReading(for: first.callID) else {
            Issue.record("the role did not go to the own reader while a call waits")
            return
        }
        #expect(state.reader == .ownReader)
    }

    @Test func theRoleGoesToABlockedCallerFirst() throws {
        var state = ConnectionState()
        let reading = try state.registerTask(method: "reading()")
        #expect(try state.registerThread(method: "blocked()", reply: nil) == .needsReply)
        let blockedReply = BlockingReply()
        guard case .waits(let blocked) = try state.registerThread(method: "blocked()", reply: blockedReply) else {
            Issue.record("a blocked caller read while another held the role")
            return
        }
        guard case .lead(let led) = state.stopReading(for: reading.callID) else {
            Issue.record("the role did not go to the blocked caller")
            return
        }
        #expect(led === blockedReply)
        #expect(state.reader == .caller(blocked))
        #expect(state.blockedCallers == 0)
    }

    @Test func aCancelBetweenRegisteringAndSuspendingFailsTheCallAsItSuspends() async throws {
        let state = Locked(ConnectionState())
        _ = try state.withLock { try $0.registerTask(method: "reading()") }
        let call = try state.withLock { try $0.registerTask(method: "slow()") }
        // Cancelled before it suspended: there is nobody to resume yet.
        guard case .early? = state.withLock({ $0.abandon(call.callID, because: CancellationError()) }) else {
            Issue.record("the cancel did not mark the call abandoned")
            return
        }
        let seen = Locked<ConnectionState.Suspension?>(nil)
        let result = await suspend(state, call.callID, method: "slow()", seen: seen)
        #expect(throws: CancellationError.self) { try result.get() }
        // The cancel told the host already; suspending must not tell it again.
        #expect(seen.withLock { $0?.gaveUp } == false)
        #expect(state.withLock { $0.pending[call.callID] } == nil)
        // Its reply, when it comes, is dropped.
        guard case .nowhere = state.withLock({ $0.replyArrived(reply(call.callID)) }) else {
            Issue.record("a cancelled call's reply went somewhere")
            return
        }
    }

    @Test func aDeadlineWhileTheCallerReadsItsOwnReplyFailsItAsItHandsOver() async throws {
        let state = Locked(ConnectionState())
        let call = try state.withLock { try $0.registerTask(method: "slow()") }
        #expect(call.readsOwnReply)
        // The timer finds no waiter to fail: the caller is reading.
        #expect(state.withLock { $0.abandon(call.callID, because: outOfTime) } == nil)
        // Its wait for a frame runs out past the deadline; it suspends, handing the role over.
        let seen = Locked<ConnectionState.Suspension?>(nil)
        let result = await suspend(state, call.callID, method: "slow()", handingOverReading: true, timedOut: outOfTime, seen: seen)
        #expect(throws: outOfTime) { try result.get() }
        #expect(seen.withLock { $0?.gaveUp } == true)  // the host must be told
        #expect(state.withLock { ($0.reader, $0.pending.isEmpty) } == (.nobody, true))
    }

    @Test func aReplyDeliveredToASuspendedTaskResumesIt() async throws {
        let state = Locked(ConnectionState())
        _ = try state.withLock { try $0.registerTask(method: "reading()") }
        let call = try state.withLock { try $0.registerTask(method: "other()") }
        let frame = reply(call.callID)
        let result = await suspend(state, call.callID, method: "other()") { state in
            guard case .waiter(let waiter) = state.replyArrived(frame) else { return nil }
            return (waiter, .success(frame))
        }
        #expect(try result.get().payload == frame.payload)
    }

    @Test func theEndKeepsAReplyThatArrivedBeforeItsCallerSuspended() async throws {
        let state = Locked(ConnectionState())
        let reading = try state.withLock { try $0.registerTask(method: "reading()") }
        let early = try state.withLock { try $0.registerTask(method: "early()") }
        guard case .waits = try state.withLock({ try $0.registerThread(method: "blocked()", reply: BlockingReply()) }) else {
            Issue.record("a blocked caller read while another held the role")
            return
        }
        _ = state.withLock { $0.replyArrived(reply(early.callID)) }
        let gone = BridgeError.hostExited(processID: 9, termination: .signaled(9), method: nil)
        let ending = state.withLock { $0.end(because: nil, disconnected: gone) }
        #expect(ending.failed.compactMap(\.method).sorted() == ["blocked()", "reading()"])
        #expect(state.withLock { ($0.ended, $0.reader, $0.blockedCallers) } == (true, .nobody, 0))
        // The early call suspends after the end and still gets its reply.
        let result = await suspend(state, early.callID, method: "early()")
        #expect(try result.get().callID == early.callID)
        // A later call fails at once, named as one that was not sent.
        #expect(throws: gone.naming("later()", waiting: false)) { try state.withLock { try $0.registerTask(method: "later()") } }
        _ = reading
    }

    @Test func aStopInProgressStaysTheReasonWhenTheHostThenCloses() throws {
        var state = ConnectionState()
        _ = try state.registerTask(method: "reading()")
        state.beginStopping()
        #expect(throws: BridgeError.stopped(method: "new()")) { try state.registerTask(method: "new()") }
        let ending = state.end(because: nil, disconnected: .hostExited(processID: 1, termination: .exited(0), method: nil))
        #expect(ending.closure.error(for: "reading()") == .stopped(method: "reading()"))
    }

    @Test func aWrappedCallIDStillInUseIsSkipped() async throws {
        let state = Locked(ConnectionState(largestCallID: 3))
        let long = try state.withLock { try $0.registerTask(method: "long()") }
        let streaming = try state.withLock { try $0.registerTask(method: "stream()", stream: StreamInbox(method: "stream()")) }
        let quick = try state.withLock { try $0.registerTask(method: "quick()") }
        #expect([long.callID, streaming.callID, quick.callID] == [1, 2, 3])
        // The stream's call returns, its stream stays open; the quick call returns.
        for call in [streaming, quick] {
            _ = state.withLock { $0.replyArrived(reply(call.callID)) }
            _ = await suspend(state, call.callID, method: "")
        }
        // The ids go round: 1 (the long call) and 2 (the open stream) are still in use.
        #expect(try state.withLock { try $0.registerTask(method: "next()") }.callID == 3)
        _ = state.withLock { $0.stopReading(for: long.callID) }
        #expect(try state.withLock { try $0.registerTask(method: "after()") }.callID == 1)
    }

    @Test func anOwnReaderReadsOnlyWhenItHoldsTheRoleOrTheConnectionWasShutDown() throws {
        var state = ConnectionState()
        var turn = state.ownReaderWoke()
        #expect(turn == .sleep)
        _ = try state.registerTask(method: "reading()")
        // The host ended while a caller reads: the caller sees the end itself.
        state.disconnect()
        turn = state.ownReaderWoke()
        #expect(turn == .sleep)
    }

    @Test func aCallerThatGivesTheRoleUpAfterTheHostEndedLeavesTheEndToTheOwnReader() throws {
        var state = ConnectionState()
        let call = try state.registerTask(method: "reading()")
        // The event loop tells of the host's end once, while the caller reads (its wake of an
        // own reader comes to nothing then).
        state.disconnect()
        var turn = state.ownReaderWoke()
        #expect(turn == .sleep)
        // The caller has its reply and nothing else waits: someone must still read the end, or
        // the connection never ends and its host is never reaped.
        guard case .wakeOwnReader = state.stopReading(for: call.callID) else {
            Issue.record("nobody was left to read the end of a shut-down connection")
            return
        }
        turn = state.ownReaderWoke()
        #expect(turn == .read(untilTheEnd: true))
        // An own reader does not idle on a shut-down connection either.
        let idles = state.ownReaderIdles()
        #expect(!idles)
    }

    @Test func aSecondOwnReaderWokenWhileOneReadsSleepsAgain() throws {
        var state = ConnectionState()
        let first = try state.registerTask(method: "first()")
        _ = try state.registerTask(method: "second()")
        guard case .wakeOwnReader = state.stopReading(for: first.callID) else {
            Issue.record("the role did not go to the own reader while a call waits")
            return
        }
        // A reader thread takes it; the event loop, woken too (no thread was free a moment
        // before), must not read the same socket.
        let turn = state.ownReaderWoke()
        #expect(turn == .read(untilTheEnd: false))
        #expect(state.ownReaderWoke() == .sleep)
        // With a call still pending, the reader does not give the role up.
        let idles = state.ownReaderIdles()
        #expect(!idles)
        #expect(state.ownReaderAwake)
    }

    @Test func anOwnReaderThatIdlesLeavesTheRoleToTheNextCaller() async throws {
        let state = Locked(ConnectionState())
        let (first, second) = try state.withLock { state in
            (try state.registerTask(method: "first()"), try state.registerTask(method: "second()"))
        }
        _ = state.withLock { $0.stopReading(for: first.callID) }
        let turn = state.withLock { $0.ownReaderWoke() }
        #expect(turn == .read(untilTheEnd: false))
        // The own reader reads the second's reply before its caller suspended: it is kept, and
        // the call waits no more once its caller takes it.
        _ = state.withLock { $0.replyArrived(reply(second.callID)) }
        _ = await suspend(state, second.callID, method: "second()")
        let idles = state.withLock { $0.ownReaderIdles() }
        #expect(idles)
        #expect(state.withLock { $0.reader == .nobody && !$0.ownReaderAwake })
        // The next lone call reads its own reply again.
        let third = try state.withLock { try $0.registerTask(method: "third()") }
        #expect(third.readsOwnReply)
    }

    @Test func theEndLetsTheOwnReaderGo() throws {
        var state = ConnectionState()
        let first = try state.registerTask(method: "first()")
        _ = try state.registerTask(method: "second()")
        _ = state.stopReading(for: first.callID)
        var turn = state.ownReaderWoke()
        #expect(turn == .read(untilTheEnd: false))
        _ = state.end(because: nil, disconnected: .stopped(method: nil))
        turn = state.ownReaderWoke()
        #expect(turn == .exit)
        #expect(!state.ownReaderAwake)
    }

    @Test func aReplyForACallNeverMadeIsTheOtherSidesFaultButALateOneIsNot() throws {
        var state = ConnectionState()
        let call = try state.registerTask(method: "first()")
        _ = state.stopReading(for: call.callID)
        // The call is over (as a cancelled one is): its reply may still come, and is dropped.
        guard case .nowhere = state.replyArrived(reply(call.callID)) else {
            Issue.record("a late reply was not dropped")
            return
        }
        guard case .neverIssued = state.replyArrived(reply(call.callID + 1)) else {
            Issue.record("a reply for a call never made was taken")
            return
        }
    }
}

