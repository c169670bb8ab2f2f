import Dispatch

/// A moment on the continuous clock, held as the time since a fixed one. Unlike
/// `ContinuousClock.Instant`, whose layout the standard library keeps to itself, it is copied
/// and tested for nil without run-time calls, which every call pays for its deadline and its
/// start time even when it has neither.
struct Moment: Comparable, Sendable {
    private static let origin = ContinuousClock.now
    private let sinceOrigin: Duration

    static var now: Moment { Moment(sinceOrigin: origin.duration(to: .now)) }

    /// The same moment as a clock instant, for `Task.sleep(until:)`.
    var instant: ContinuousClock.Instant { Self.origin + sinceOrigin }

    /// The same moment for a Dispatch wait (a semaphore's): as far from now as this is. At
    /// most `BridgeOptions.longestTimeout` away, whose nanoseconds fit an `Int`.
    var dispatchTime: DispatchTime {
        let left = max(.zero, min(self - Moment.now, BridgeOptions.longestTimeout))
        return .now() + .nanoseconds(Int(left.wholeNanoseconds))
    }

    static func + (moment: Moment, duration: Duration) -> Moment {
        Moment(sinceOrigin: moment.sinceOrigin + duration)
    }

    static func - (later: Moment, earlier: Moment) -> Duration {
        later.sinceOrigin - earlier.sinceOrigin
    }

    static func < (a: Moment, b: Moment) -> Bool { a.sinceOrigin < b.sinceOrigin }
}
