import TallyCore

/// How the API, the dashboard and the statistics read an account's datapoints: one query type (`DatapointQuery`:
/// filters, text search, sort) answered in SQL with its indexes, so a links page and `GET /v2/datapoints` with the
/// same filters cannot drift apart, and nothing pages a whole account in Swift.
public struct DatapointQueries: Sendable {
    let repository: SQLDatapointRepository

    public init(repository: SQLDatapointRepository) {
        self.repository = repository
    }

    public func find(id: Int64) async throws -> Datapoint? { try await repository.find(id: id) }

    /// Missing ids are left out; the order is the database's.
    public func find(ids: [Int64]) async throws -> [Datapoint] { try await repository.find(ids: ids) }

    /// In the order of `orderedIDs` (a ranking computed elsewhere), missing ids left out.
    public func find(orderedIDs: [Int64]) async throws -> [Datapoint] { try await repository.find(orderedIDs: orderedIDs) }

    /// One page of the query's datapoints in its order.
    public func page(_ query: DatapointQuery, _ window: PageWindow) async throws -> [Datapoint] {
        try await repository.page(query, window)
    }

    /// Only the ids of a page (statistics join their roll-ups on them).
    public func ids(_ query: DatapointQuery, _ window: PageWindow) async throws -> [Int64] { try await repository.ids(query, window) }

    /// A page of the query's list (by id) with `excluded` (ascending, all picked by the query) left out, read through
    /// the list's anchors; nil when the list has none (read it another way).
    public func ids(_ query: DatapointQuery, excluding excluded: [Int64], _ window: PageWindow) async throws -> [Int64]? {
        try await repository.ids(query, excluding: excluded, window)
    }

    /// From this offset on, a page is worth reading through anchors (`PageAnchors.threshold`; never without them).
    public var deepOffset: Int { repository.anchors?.threshold ?? .max }

    public func count(_ query: DatapointQuery) async throws -> Int { try await repository.count(query) }

    /// The count, stopping at `limit` (a search's "1,000+").
    public func count(_ query: DatapointQuery, upTo limit: Int) async throws -> Int { try await repository.count(query, upTo: limit) }

    /// The count up to `limit` and, when `window` lies among those matches, that page's ids (id order), in one read.
    public func count(_ query: DatapointQuery, upTo limit: Int, page window: PageWindow) async throws -> (count: Int, ids: [Int64]?) {
        try await repository.count(query, upTo: limit, page: window)
    }

    /// How many of the query's datapoints each group holds (groups with none are left out).
    public func countsPerGroup(_ query: DatapointQuery) async throws -> [Int64: Int] { try await repository.countsPerGroup(query) }
}
