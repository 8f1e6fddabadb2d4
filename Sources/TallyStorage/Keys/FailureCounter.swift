import Synchronization

/// Refused API requests that named no key — no key, a malformed one, an unknown id — counted in memory per minute
/// and status and written as a few counter rows at most once a second (or every 1,000), never one row per request:
/// a flood of them costs neither a write each nor disk. Counts not yet written when the process stops are lost (they
/// are statistics; nothing else depends on them).
public final class FailureCounter: Sendable {
    public struct Slot: Hashable, Sendable {
        public let minute: Int64
        public let status: Int
    }

    private struct State {
        var pending: [Slot: Int64] = [:]
        var total: Int64 = 0
        var lastFlush: Int64 = 0
    }

    private let state = Mutex(State())
    let events: SQLKeyEventRepository

    public init(events: SQLKeyEventRepository) {
        self.events = events
    }

    /// Counts one; writes the pending counts when a second has passed since the last write or 1,000 wait.
    public func add(time: Int64, status: Int) async throws {
        let due: [Slot: Int64]? = state.withLock { state in
            state.pending[Slot(minute: time - time % 60_000, status: status), default: 0] += 1
            state.total += 1
            guard state.total >= 1_000 || time - state.lastFlush >= 1_000 else { return nil }
            defer {
                state.pending = [:]
                state.total = 0
                state.lastFlush = time
            }
            return state.pending
        }
        if let due { try await events.addFailures(due) }
    }

    /// Writes whatever is pending (tests; a graceful stop).
    public func flush() async throws {
        let due = state.withLock { state in
            defer {
                state.pending = [:]
                state.total = 0
            }
            return state.pending
        }
        try await events.addFailures(due)
    }
}
