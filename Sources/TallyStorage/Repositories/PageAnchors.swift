import Synchronization
import TallyCore

/// Where deep pages of datapoint lists start, remembered per query, so ClickMeter's `offset` paging stays an index seek
/// at any depth: a page at offset 900,000 is read as "the 20 rows after the row at 899,999" (keyset) once that row is
/// known, instead of walking 900,000 index entries. Every deep page records the row just before it (the same page
/// again) and its own last row (the next page), so a client paging through a list, or asking again, never walks.
///
/// Bounded: at most `capacity` queries (least recently used out first), `perQuery` anchors each. An anchor is used only
/// while no datapoint of the account was changed through this node since it was recorded (`invalidate`, called by
/// `DatapointService`) and for at most `lifetime`: a change made on another node or by the CLI can shift positions for
/// that long, as it shifts OFFSET pages between two requests anyway. Queries that tags, goals or scripts narrow are
/// never anchored (their membership changes elsewhere).
public final class PageAnchors: Sendable {
    /// The row at `offset` of a query's order: its sort value and id.
    struct Anchor: Sendable {
        let offset: Int
        let sortValue: SortValue
        let id: Int64
    }

    enum SortValue: Sendable {
        case none
        case text(String)
        case number(Int64)
    }

    struct Entry: Sendable {
        var anchors: [Anchor]
        let recordedAt: Int64
        let stamp: Stamp
    }

    struct Stamp: Sendable, Equatable {
        let epoch: Int
        let generation: Int
    }

    struct State: Sendable {
        var entries: LRUCache<DatapointQuery, Entry>
        var generations: [Int64: Int] = [:]
        var epoch = 0

        func stamp(_ accountID: Int64) -> Stamp { Stamp(epoch: epoch, generation: generations[accountID] ?? 0) }
    }

    /// Offsets below this are read directly: walking a few thousand index entries costs less than remembering them.
    public let threshold: Int
    static let perQuery = 64
    let lifetime: Int64
    let clock: WallClock
    private let state: Mutex<State>

    public init(capacity: Int = 1_000, threshold: Int = 2_000, lifetime: Int64 = 60_000, clock: WallClock = .system) {
        self.threshold = max(1, threshold)
        self.lifetime = lifetime
        self.clock = clock
        state = Mutex(State(entries: LRUCache(capacity: capacity)))
    }

    static func anchorable(_ query: DatapointQuery) -> Bool {
        query.tagNames == nil && query.tagID == nil && query.linkedTo == nil
    }

    /// The nearest anchor before `offset` (at most `offset - 1`) still valid for the query.
    func nearest(_ query: DatapointQuery, before offset: Int) -> Anchor? {
        let now = clock.now()
        return state.withLock { state in
            guard let entry = state.entries.get(query), entry.stamp == state.stamp(query.accountID), now - entry.recordedAt < lifetime
            else { return nil }
            return entry.anchors.filter { $0.offset < offset }.max { $0.offset < $1.offset }
        }
    }

    /// The account's state now: anchors read under it are recorded only if it has not changed meanwhile.
    func stamp(_ accountID: Int64) -> Stamp {
        state.withLock { $0.stamp(accountID) }
    }

    func record(_ query: DatapointQuery, _ anchors: [Anchor], readUnder stamp: Stamp) {
        guard !anchors.isEmpty else { return }
        let now = clock.now()
        state.withLock { state in
            guard stamp == state.stamp(query.accountID) else { return }
            var kept: [Anchor] = []
            if let entry = state.entries.peek(query), entry.stamp == stamp, now - entry.recordedAt < lifetime { kept = entry.anchors }
            for anchor in anchors where !kept.contains(where: { $0.offset == anchor.offset }) { kept.append(anchor) }
            // The most recent anchors are the ones a pager needs next.
            state.entries.set(query, Entry(anchors: Array(kept.suffix(Self.perQuery)), recordedAt: now, stamp: stamp))
        }
    }

    /// A datapoint of the account changed: its anchors no longer tell positions.
    public func invalidate(accountID: Int64) {
        state.withLock { state in
            if state.generations.count >= 100_000 {
                // Bounded too: a new epoch invalidates every anchor at once.
                state.generations.removeAll()
                state.epoch += 1
            }
            state.generations[accountID, default: 0] += 1
        }
    }
}
