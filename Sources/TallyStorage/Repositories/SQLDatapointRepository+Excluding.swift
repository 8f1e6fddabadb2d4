import SQLKit
import TallyCore

/// Deep pages of a list with some of its rows left out: the rest of a summary ranked by a figure, whose scored
/// datapoints come first (a page at offset 500,000 of a million links walked the id index to its offset: 150 ms).
extension SQLDatapointRepository {
    /// Steps allowed to find where a page starts; each only moves forward, by the left-out rows it passed.
    static let excludingSteps = 64

    /// One page of `query`'s list (by id) without `excluded` (ascending ids, every one picked by the query), read through
    /// the list's anchors; nil when the list is not anchored (no anchors, another order, a text or creation plan).
    ///
    /// The page's first row is the row at list position q with q = offset + (left-out rows before it): from q = offset,
    /// each step reads the row at q (an anchored read: a seek from the nearest remembered row) and moves q to offset +
    /// the left-out rows before that row, which never moves it back, until it stays. If the row there is itself left
    /// out, the page starts at the next kept row, as the rows are then read forward with the left-out ones skipped.
    func ids(_ query: DatapointQuery, excluding excluded: [Int64], _ window: PageWindow) async throws -> [Int64]? {
        guard let anchors, query.sort == .id, PageAnchors.anchorable(query), Self.plainPlan(query, database.kind) else { return nil }
        // By binary search in the sorted list (no set of up to a million ids beside it): how many left-out ids are
        // below `id`, and whether it is one.
        func locate(_ id: Int64) -> (below: Int, leftOut: Bool) {
            let below = lowerBound(excluded, id)
            return (below, below < excluded.count && excluded[below] == id)
        }
        // Left-out ids ahead of `id` in the list's order.
        func before(_ id: Int64) -> Int {
            let (below, leftOut) = locate(id)
            return query.descending ? excluded.count - below - (leftOut ? 1 : 0) : below
        }
        var position = window.offset
        var settled = false
        for _ in 0..<Self.excludingSteps {
            guard let id = try await anchoredIDs(query, PageWindow(offset: position, limit: 1), anchors).first else { return [] }
            let next = window.offset + before(id)
            settled = next == position
            if settled { break }
            position = next
        }
        guard settled else { return nil }
        var page: [Int64] = []
        while page.count < window.limit {
            let wanted = window.limit - page.count + 16
            let rows = try await anchoredIDs(query, PageWindow(offset: position, limit: wanted), anchors)
            page += rows.filter { !locate($0).leftOut }.prefix(window.limit - page.count)
            guard rows.count == wanted else { break }
            position += rows.count
        }
        return page
    }

    private func anchoredIDs(_ query: DatapointQuery, _ window: PageWindow, _ anchors: PageAnchors) async throws -> [Int64] {
        try await anchoredPage("datapoints.id AS id", query, window, anchors).map { try $0.decode(column: "id", as: Int64.self) }
    }

    /// How many of the ascending `ids` are below `id`.
    private func lowerBound(_ ids: [Int64], _ id: Int64) -> Int {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
