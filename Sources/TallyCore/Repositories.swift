/// Storage of datapoints; implemented once over SQL for SQLite and PostgreSQL.
public protocol DatapointRepository: Sendable {
    /// Fails with `ValidationError` code `name_taken` when the domain ever had a datapoint of that name.
    func create(_ new: NewDatapoint, now: Int64) async throws -> Datapoint
    /// Many in one transaction: each is created, or fails with its own `ValidationError` (`name_taken`) while the
    /// others are still created.
    func createMany(_ news: [NewDatapoint], now: Int64) async throws -> [Result<Datapoint, ValidationError>]
    func find(id: Int64) async throws -> Datapoint?
    func find(domainID: Int64, name: String) async throws -> Datapoint?
    func list(accountID: Int64, statuses: Set<DatapointStatus>) async throws -> [Datapoint]
    /// Writes the editable fields (title, notes, favourite, group, destination, redirect type, encode-IP) of `datapoint`.
    func save(_ datapoint: Datapoint, now: Int64) async throws -> Datapoint
    /// Gives the datapoint a new name; fails with `name_taken` when the domain ever had a datapoint of that name.
    func rename(id: Int64, domainID: Int64, to name: String, now: Int64) async throws
    /// Returns the updated datapoint, or `nil` when there is none with that id.
    func setStatus(id: Int64, to status: DatapointStatus, now: Int64) async throws -> Datapoint?
    /// Up to `limit` datapoints that can be served (active or blocked), most recently changed first: a cache's warm start.
    func servable(limit: Int) async throws -> [Datapoint]
    /// Which datapoints changed at or after `time` (for caches on other nodes), without their rows: a cache loads only
    /// those it holds (`find(ids:)`).
    func changedNames(since time: Int64) async throws -> [(id: Int64, domainID: Int64, name: String)]
    /// Several datapoints by id; missing ids are left out.
    func find(ids: [Int64]) async throws -> [Datapoint]
}

/// Storage of hits and their hourly counters.
public protocol HitRepository: Sendable {
    /// Writes one batch in one transaction: hits, unique windows and roll-ups together or not at all.
    func record(_ hits: [Hit]) async throws -> [RecordedHit]
}

/// Storage of domains.
public protocol DomainRepository: Sendable {
    func all() async throws -> [Domain]
    /// One account's domains (`nil`: those of no account).
    func all(accountID: Int64?) async throws -> [Domain]
}
