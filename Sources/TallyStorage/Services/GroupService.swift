import TallyCore

/// An account's groups (campaigns) as the API, the dashboard and the CLI read and change them. Whose group an id
/// names is decided here only (`owned`): a caller holding another account's id gets nothing, whichever surface it
/// came through.
public struct GroupService: Sendable {
    let repository: SQLGroupRepository
    let clock: WallClock

    public init(repository: SQLGroupRepository, clock: WallClock) {
        self.repository = repository
        self.clock = clock
    }

    /// The group `id` if it belongs to `accountID` (a deleted one only with `includeDeleted`), `nil` otherwise.
    public func owned(_ id: Int64, accountID: Int64, includeDeleted: Bool = true) async throws -> LinkGroup? {
        guard let group = try await repository.find(id: id), group.accountID == accountID, includeDeleted || !group.isDeleted else {
            return nil
        }
        return group
    }

    /// A new group; its name is checked (`LinkGroup.validateName`) before anything is written.
    public func create(accountID: Int64, name: String, notes: String = "", isFavourite: Bool = false) async throws -> LinkGroup {
        try await repository.create(accountID: accountID, name: name, notes: notes, isFavourite: isFavourite, now: clock.now())
    }

    /// Writes a group read through `owned` and changed by the caller (renamed, deleted, starred, new notes).
    public func save(_ group: LinkGroup) async throws -> LinkGroup { try await repository.save(group, now: clock.now()) }

    /// The account's groups in id order, deleted ones only when asked (a form's choices, the campaigns page).
    public func list(accountID: Int64, includeDeleted: Bool = false) async throws -> [LinkGroup] {
        try await repository.list(accountID: accountID, includeDeleted: includeDeleted)
    }

    /// Id and name of the account's live groups (a filter's choices).
    public func names(accountID: Int64) async throws -> [(id: Int64, name: String)] { try await repository.names(accountID: accountID) }

    /// Names by id of the groups listed (a page of datapoints names its groups).
    public func names(ids: Set<Int64>) async throws -> [Int64: String] { try await repository.names(ids: ids) }

    /// One page of a filtered list (`nil`: all of it), paged in SQL.
    public func page(_ query: NamedListQuery, _ window: PageWindow?) async throws -> [LinkGroup] { try await repository.page(query, window) }

    public func count(_ query: NamedListQuery) async throws -> Int { try await repository.count(query) }

    /// The id and name of every group the query picks, by id (a summary ranks them, then reads its page's groups).
    public func names(_ query: NamedListQuery) async throws -> [(id: Int64, name: String)] { try await repository.names(query) }
}
