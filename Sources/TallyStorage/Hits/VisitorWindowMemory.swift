import Synchronization
import TallyCore

/// The unique-click windows this node has judged: when each (datapoint, address) was last seen, and what
/// the shared table last said. Only the hit writer touches it, after each committed batch.
///
/// Bounded: it holds at most `capacity` windows (one per datapoint and address seen in the last 30 minutes; a flood
/// of hits from random addresses would otherwise grow it without end). When a batch would take it past the limit, that
/// batch also writes every window whose shared copy is behind (`dirty`) to `visitor_windows`, and after the commit the
/// memory keeps only that batch's windows: everything it forgot is exact in the table, so later hits are judged as
/// before, at the price of reading their windows back.
final class VisitorWindowMemory: Sendable {
    struct Entry: Sendable, Equatable {
        var lastSeen: Int64
        /// The time last written to (or read from) `visitor_windows`.
        var persisted: Int64
    }

    let capacity: Int
    private let entries = Mutex<[UniqueVisitorWindow.Key: Entry]>([:])

    /// About 60 bytes a window: `SQLHitRepository`'s default of 500,000 is some 30 MB.
    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    var count: Int { entries.withLock { $0.count } }

    func entries(for keys: Set<UniqueVisitorWindow.Key>) -> [UniqueVisitorWindow.Key: Entry] {
        entries.withLock { entries in
            var found: [UniqueVisitorWindow.Key: Entry] = [:]
            for key in keys {
                if let entry = entries[key] { found[key] = entry }
            }
            return found
        }
    }

    /// Windows whose shared copy is older than what this node knows, except `excluded` (the batch's own keys).
    func dirty(excluding excluded: Set<UniqueVisitorWindow.Key>) -> [(UniqueVisitorWindow.Key, Int64)] {
        entries.withLock { entries in
            entries.compactMap { key, entry in
                entry.lastSeen > entry.persisted && !excluded.contains(key) ? (key, entry.lastSeen) : nil
            }
        }
    }

    func update(_ changes: [UniqueVisitorWindow.Key: Entry]) {
        entries.withLock { entries in
            for (key, entry) in changes { entries[key] = entry }
        }
    }

    /// Forgets everything but `kept` (after a batch that wrote every dirty window back).
    func replace(with kept: [UniqueVisitorWindow.Key: Entry]) {
        entries.withLock { $0 = kept }
    }

    /// Windows older than the unique-click window can no longer make a hit non-unique.
    func prune(olderThan time: Int64) {
        entries.withLock { entries in entries = entries.filter { $0.value.lastSeen >= time } }
    }
}
