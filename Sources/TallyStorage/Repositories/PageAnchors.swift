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
///
/// It also remembers, for deep pages of summaries ranked by a figure, which datapoints have the figure in the frame
/// (`scored`): reading them sums the frame's roll-ups (most of such a page's cost), and a client paging through a
/// summary needs the same set for every page. Hits change that set (a datapoint's first hit in the frame) without
/// passing here, so it is kept for a shorter `scoredLifetime`, within which a page may leave out or include a datapoint
/// that has just gained its first hit (a shift of one position, as an OFFSET page shifts between two requests).
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

    /// A summary's frame and figure over a query: whose scored datapoints `ScoredEntry` holds.
    struct ScoredKey: Hashable, Sendable {
        let query: DatapointQuery
        let figure: String
        let from: Int64
        let to: Int64
    }

    struct ScoredEntry: Sendable {
        let ids: [Int64]
        let recordedAt: Int64
        let stamp: Stamp
    }

    struct State: Sendable {
        var entries: LRUCache<DatapointQuery, Entry>
        var scored: LRUCache<ScoredKey, ScoredEntry>
        var generations: [Int64: Int] = [:]
        var epoch = 0

        func stamp(_ accountID: Int64) -> Stamp { Stamp(epoch: epoch, generation: generations[accountID] ?? 0) }
    }

    /// Offsets below this are read directly: walking a few thousand index entries costs less than remembering them.
    public let threshold: Int
    static let perQuery = 64
    let lifetime: Int64
    /// Scored sets: how long one is used, and the largest kept (8 bytes an id: with the default 16 sets of at most
    /// 100,000 ids, 12.8 MB at most; a larger set is read anew for each page).
    let scoredLifetime: Int64
    let scoredLimit: Int
    let clock: WallClock
    private let state: Mutex<State>

    public init(
        capacity: Int = 1_000, threshold: Int = 2_000, lifetime: Int64 = 60_000, scoredCapacity: Int = 16, scoredLimit: Int = 100_000,
        scoredLifetime: Int64 = 10_000, clock: WallClock = .system
    ) {
        self.threshold = max(1, threshold)
        self.lifetime = lifetime
        self.scoredLifetime = scoredLifetime
        self.scoredLimit = scoredLimit
        self.clock = clock
        state = Mutex(State(entries: LRUCache(capacity: capacity), scored: LRUCache(capacity: scoredCapacity)))
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

    /// The scored datapoints of `key` (ascending ids) recorded within `scoredLifetime` and since the account's last change.
    func scored(_ key: ScoredKey) -> [Int64]? {
        let now = clock.now()
        return state.withLock { state in
            guard let entry = state.scored.get(key), entry.stamp == state.stamp(key.query.accountID), now - entry.recordedAt < scoredLifetime
            else { return nil }
            return entry.ids
        }
    }

    /// Remembers `ids` (ascending) as `key`'s scored datapoints, unless the account changed since `stamp` was taken
    /// (before they were read) or they are more than `scoredLimit`.
    func recordScored(_ key: ScoredKey, _ ids: [Int64], readUnder stamp: Stamp) {
        guard Self.anchorable(key.query), ids.count <= scoredLimit else { return }
        let now = clock.now()
        state.withLock { state in
            guard stamp == state.stamp(key.query.accountID) else { return }
            state.scored.set(key, ScoredEntry(ids: ids, recordedAt: now, stamp: stamp))
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
