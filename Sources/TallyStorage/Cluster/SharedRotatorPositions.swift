import SQLKit
import Synchronization
import TallyCore

/// Sequential and weighted rotators across nodes: every visit takes the next position of the rotator's one counter in
/// the database (`rotator_positions`), so the cluster walks one cycle (`RotatorSchedule`) as one node would — visit
/// 1, 2, 3 go to destinations A, B, C whichever node answers each.
///
/// A node leases positions in blocks sized to its own traffic: one at a time while a rotator is quiet (exact order,
/// a round trip per visit), up to `maximumBlock` when it saw that many visits in the last tenth of a second (a round
/// trip per block; the cluster then interleaves the nodes' blocks, so order holds within blocks and shares hold over
/// every cycle). Positions a node leased and could not use (it stopped, or the rotator changed) are skipped: a share
/// moves by at most one block.
///
/// At most `capacity` rotators are remembered, least recently used out (a forgotten one leases again).
public final class SharedRotatorPositions: Sendable {
    struct Held {
        var schedule: RotatorSchedule
        var next: Int64 = 0
        var end: Int64 = 0
        /// Visits this node answered in the current and the previous tenth of a second.
        var windowStart: Int64 = 0
        var visits = 0
        var previousVisits = 0
    }

    public static let maximumBlock = 64
    private let held: Mutex<LRUCache<Int64, Held>>
    let database: any TallyDatabase

    public init(database: any TallyDatabase, capacity: Int = 10_000) {
        self.database = database
        held = Mutex(LRUCache(capacity: capacity))
    }

    /// The destination index for this visit of `datapointID`'s rotator; `nil` when the link does not rotate in order.
    public func index(datapointID: Int64, options: LinkOptions, now: Int64) async throws -> Int? {
        guard options.mode == .sequential || options.mode == .weighted, options.destinations.count > 1 else { return nil }
        // The cycle (up to 5,000 entries) is built only when the rotator is new here or changed, not on every visit.
        let fingerprint = RotatorSchedule.fingerprint(options)
        func current(_ held: inout LRUCache<Int64, Held>) -> Held? {
            if let state = held.get(datapointID), state.schedule.fingerprint == fingerprint { return state }
            return RotatorSchedule(options).map { Held(schedule: $0) }
        }
        let (local, block): (Int?, Int) = held.withLock { held in
            guard var state = current(&held) else { return (nil, 0) }
            if now - state.windowStart >= 100 {
                state.previousVisits = now - state.windowStart < 200 ? state.visits : 0
                state.windowStart = now
                state.visits = 0
            }
            state.visits += 1
            defer { held.set(datapointID, state) }
            guard state.next < state.end else { return (nil, min(Self.maximumBlock, max(1, state.previousVisits))) }
            let position = state.next
            state.next += 1
            return (state.schedule.index(at: position), 0)
        }
        if let local { return local }
        guard block > 0 else { return nil }
        let start = try await lease(datapointID: datapointID, fingerprint: fingerprint, count: block)
        return held.withLock { held in
            guard var state = current(&held) else { return nil }
            // This visit takes the block's first position; the rest wait for this node's next visits.
            state.next = start + 1
            state.end = start + Int64(block)
            held.set(datapointID, state)
            return state.schedule.index(at: start)
        }
    }

    /// Moves the counter on by `count` and returns the first position moved over (0 after the rotator changed).
    public func lease(datapointID: Int64, fingerprint: Int64, count: Int) async throws -> Int64 {
        try await database.read { db in
            let end = try await db.raw(
                """
                INSERT INTO rotator_positions AS r (datapoint_id, fingerprint, next_position) \
                VALUES (\(bind: datapointID), \(bind: fingerprint), \(bind: Int64(count))) \
                ON CONFLICT (datapoint_id) DO UPDATE SET \
                next_position = CASE WHEN r.fingerprint = excluded.fingerprint THEN r.next_position + excluded.next_position \
                ELSE excluded.next_position END, fingerprint = excluded.fingerprint \
                RETURNING next_position
                """
            ).first(decodingColumn: "next_position", as: Int64.self)
            return (end ?? Int64(count)) - Int64(count)
        }
    }
}
