@testable import Bridge
import Testing

/// `ConnectionState.overdue`: the calls abandoned for their time limit whose late replies have
/// not come, which a supervised bridge uses to find a host lost to a runaway call.
@Suite struct OverdueCallStateTests {
    private let outOfTime = BridgeError.timedOut("'slow()' got no reply in time", method: "slow()")

    private func reply(_ callID: UInt32) -> Frame {
        Frame(kind: .returned, callID: callID, payload: [])
    }

    @Test func aCallAbandonedForTimeIsOverdueUntilItsLateReplyComes() throws {
        var state = ConnectionState(tracksOverdueCalls: true)
        _ = try state.registerTask(method: "reader()")
        let call = try state.registerTask(method: "slow()")
        let abandoned = state.abandon(call.callID, because: outOfTime)
        #expect(abandoned != nil)
        #expect(state.overdue == [call.callID])
        _ = state.replyArrived(reply(call.callID))
        #expect(state.overdue.isEmpty)
    }

    @Test func aCancelledCallIsNotOverdue() throws {
        var state = ConnectionState(tracksOverdueCalls: true)
        _ = try state.registerTask(method: "reader()")
        let call = try state.registerTask(method: "slow()")
        _ = state.abandon(call.callID, because: CancellationError())
        #expect(state.overdue.isEmpty)
    }

    @Test func aBlockedCallerOutOfTimeIsOverdueOnlyIfItsCallWasSent() throws {
        var state = ConnectionState(tracksOverdueCalls: true)
        _ = try state.registerThread(method: "reader()", reply: nil)
        guard case .waits(let sent) = try state.registerThread(method: "sent()", reply: BlockingReply()),
            case .waits(let unsent) = try state.registerThread(method: "unsent()", reply: BlockingReply())
        else {
            Issue.record("the blocked callers did not wait")
            return
        }
        let gaveUp = (state.giveUpWaiting(sent, overdue: true), state.giveUpWaiting(unsent, overdue: false))
        #expect(gaveUp == (true, true))
        #expect(state.overdue == [sent])
    }

    @Test func aBlockedCallerHandedTheRoleCannotGiveUpWaiting() throws {
        var state = ConnectionState(tracksOverdueCalls: true)
        guard case .reads(let reader) = try state.registerThread(method: "reader()", reply: nil),
            case .waits(let waiting) = try state.registerThread(method: "waiting()", reply: BlockingReply())
        else {
            Issue.record("the second blocked caller did not wait")
            return
        }
        // The reader leaves with its reply: the role goes to the blocked caller, whose
        // cancellation, seen a moment later, must take what it was handed.
        guard case .lead = state.stopReading(for: reader) else {
            Issue.record("the role did not go to the blocked caller")
            return
        }
        let gaveUp = (state.giveUpWaiting(waiting, overdue: false), state.giveUpWaiting(waiting, overdue: true))
        #expect(gaveUp == (false, false))
        #expect(state.overdue.isEmpty)
        #expect(state.reader == .caller(waiting))
    }

    @Test func aRoleHolderOutOfTimeLeavesItsReplyOverdueAndTheEndForgetsIt() throws {
        var state = ConnectionState(tracksOverdueCalls: true)
        guard case .reads(let callID) = try state.registerThread(method: "slow()", reply: nil) else {
            Issue.record("a lone blocked caller did not read")
            return
        }
        _ = state.stopReading(for: callID, overdue: true)
        #expect(state.overdue == [callID])
        _ = state.end(because: nil, disconnected: .hostExited(processID: 1, termination: .exited(0), method: nil))
        #expect(state.overdue.isEmpty)
    }

    @Test func somebodyReadsWhileACallIsOverdue() throws {
        var state = ConnectionState(tracksOverdueCalls: true)
        guard case .reads(let callID) = try state.registerThread(method: "slow()", reply: nil) else {
            Issue.record("a lone blocked caller did not read")
            return
        }
        guard case .wakeOwnReader = state.stopReading(for: callID, overdue: true) else {
            Issue.record("nobody would read the late reply")
            return
        }
        let turn = state.ownReaderWoke()
        #expect(turn == .read(untilTheEnd: false))
        let idled = state.ownReaderIdles()
        #expect(!idled, "the own reader reads on while the reply is overdue")
        _ = state.replyArrived(Frame(kind: .returned, callID: callID, payload: []))
        let idledAfterTheReply = state.ownReaderIdles()
        #expect(idledAfterTheReply)
    }

    @Test func withoutTrackingNothingIsKept() throws {
        var state = ConnectionState()
        guard case .reads(let callID) = try state.registerThread(method: "slow()", reply: nil) else {
            Issue.record("a lone blocked caller did not read")
            return
        }
        guard case .nothing = state.stopReading(for: callID, overdue: true) else {
            Issue.record("a reader was kept for a connection that does not track overdue calls")
            return
        }
        #expect(state.overdue.isEmpty)
    }

    /// A pool's host connection: a lone task does not hold its thread to read its reply, so
    /// that the callers of several hosts do not hold all of the concurrency pool's threads.
    @Test func aPooledConnectionLeavesEvenALoneTasksReplyToTheOwnReader() throws {
        var state = ConnectionState(loneTasksReadTheirReplies: false)
        let lone = try state.registerTask(method: "slow()")
        #expect(!lone.readsOwnReply)
        guard case .wakeOwnReader = lone.handOff else {
            Issue.record("nobody was woken to read the reply")
            return
        }
        #expect(state.reader == .ownReader)
    }
}
