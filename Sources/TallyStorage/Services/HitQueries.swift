import TallyCore

/// How the API's hit lists, the live clickstreams and the dashboard's link page read stored hits: pages of an owner's
/// hits in a time range (whose datapoints an owner holds is the caller's access value's business), the hits after a
/// known id, and the conversions a page of clicks led to.
public struct HitQueries: Sendable {
    public typealias Owner = SQLHitListRepository.Owner

    let repository: SQLHitListRepository

    public init(repository: SQLHitListRepository) {
        self.repository = repository
    }

    /// One page of the owner's hits in [from, to), newest first, after `cursor` when given.
    public func page(_ owner: Owner, from: Int64, to: Int64, filter: HitFilter?, after cursor: HitCursor?, limit: Int) async throws -> [StoredHit] {
        try await repository.page(owner, from: from, to: to, filter: filter, after: cursor, limit: limit)
    }

    /// The account's hits stored after hit `id`, oldest first (a live stream follows the table by id).
    public func after(id: Int64, accountID: Int64, limit: Int) async throws -> [StoredHit] {
        try await repository.after(id: id, accountID: accountID, limit: limit)
    }

    /// The newest hit id of the store (where a live stream starts).
    public func latestID() async throws -> Int64 { try await repository.latestID() }

    /// The conversions each click led to, in the order they happened.
    public func conversions(ofClicks clickIDs: [Int64]) async throws -> [Int64: [ClickConversion]] {
        try await repository.conversions(ofClicks: clickIDs)
    }
}
