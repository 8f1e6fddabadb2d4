import Synchronization
import TallyCore

/// The unique-click windows this node has judged: when each (datapoint, address) was last seen, and what
/// the shared table last said. Only the hit writer touches it, after each committed batch.
final class VisitorWindowMemory: Sendable {
    struct Entry: Sendable, Equatable {
        var lastSeen: Int64
        /// The time last written to (or read from) `visitor_windows`.
        var persisted: Int64
    }

    private let entries = Mutex<[UniqueVisitorWindow.Key: Entry]>([:])

    func entries(for keys: Set<UniqueVisitorWindow.Key>) -> [UniqueVisitorWindow.Key: Entry] {
        entries.withLock { entries in
            var found: [UniqueVisitorWindow.Key: Entry] = [:]
            for key in keys {
                if let entry = entries[key] { found[key] = entry }
            }
            return found
        }
    }

    func update(_ changes: [UniqueVisitorWindow.Key: Entry]) {
        entries.withLock { entries in
            for (key, entry) in changes { entries[key] = entry }
        }
    }

    /// Windows older than the unique-click window can no longer make a hit non-unique.
    func prune(olderThan time: Int64) {
        entries.withLock { entries in entries = entries.filter { $0.value.lastSeen >= time } }
    }
}
