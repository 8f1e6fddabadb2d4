import Synchronization
import TallyCore

/// A wall clock a test moves by hand: it starts at the real time (so rows it stamps look like today's) and then stands
/// still until `advance(milliseconds:)`. Lifetimes measured on the wall clock (the key verifier's cache, sessions,
/// expiry) are then proven by moving past them, not by waiting for them.
public final class MovingWallClock: Sendable {
    private let milliseconds: Mutex<Int64>

    public init(startingAt start: Int64 = WallClock.system.now()) {
        milliseconds = Mutex(start)
    }

    public var clock: WallClock { WallClock { self.milliseconds.withLock { $0 } } }

    public func advance(milliseconds delta: Int64) {
        milliseconds.withLock { $0 += delta }
    }
}
