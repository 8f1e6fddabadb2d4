import TallyCore

/// An account's conversion goals as the API and the dashboard read and change them. Whose goal an id names, which
/// datapoints may lead to it (only its own account's), and that the tracking lists follow every change that moves a
/// link's attribution cookies are decided here only.
public struct ConversionService: Sendable {
    let repository: SQLConversionRepository
    let lists: ListMirror
    let clock: WallClock

    public init(repository: SQLConversionRepository, lists: ListMirror, clock: WallClock) {
        self.repository = repository
        self.lists = lists
        self.clock = clock
    }

    /// The goal `id` if it belongs to `accountID`, `nil` otherwise.
    public func owned(_ id: Int64, accountID: Int64) async throws -> Conversion? {
        guard let conversion = try await repository.find(id: id), conversion.accountID == accountID else { return nil }
        return conversion
    }

    /// A new goal (the repository validates it before writing); its id and times are the store's.
    public func create(_ conversion: Conversion) async throws -> Conversion { try await repository.create(conversion, now: clock.now()) }

    /// Writes a goal read through `owned` and changed by the caller (validated by the repository).
    public func save(_ conversion: Conversion) async throws -> Conversion { try await repository.save(conversion, now: clock.now()) }

    /// Deletes a goal read through `owned` (a flag: its statistics stay) and refreshes the tracking lists at once, so its
    /// links stop setting attribution cookies on this node's next request (other nodes within a second).
    public func delete(_ conversion: Conversion) async throws -> Conversion {
        var deleted = conversion
        deleted.isDeleted = true
        let saved = try await repository.save(deleted, now: clock.now())
        try await lists.refresh()
        return saved
    }

    /// One change to the datapoints leading to a goal: `add` the datapoint, `remove` it, or `add` it in place of
    /// `replacing`. The caller has read the datapoints (with its own access checked); `apply` checks they are the goal's
    /// account's, in memory.
    public struct Patch: Sendable {
        public let action: SQLConversionRepository.PatchAction
        public let datapoint: Datapoint
        public let replacing: Datapoint?

        public init(action: SQLConversionRepository.PatchAction, datapoint: Datapoint, replacing: Datapoint? = nil) {
            self.action = action
            self.datapoint = datapoint
            self.replacing = replacing
        }
    }

    /// Applies the patches in order after checking all of them (a deleted goal gains no datapoint; every datapoint
    /// named is the goal's account's), then refreshes the tracking lists once.
    public func apply(_ patches: [Patch], to conversion: Conversion) async throws {
        guard !conversion.isDeleted || patches.allSatisfy({ $0.action == .remove }) else {
            throw ValidationError(field: "Id", code: "conversion_deleted", message: "a deleted conversion cannot gain datapoints")
        }
        for datapoint in patches.flatMap({ [$0.datapoint] + ($0.replacing.map { [$0] } ?? []) }) where datapoint.accountID != conversion.accountID {
            throw ValidationError(field: "Id", code: "datapoint_unknown", message: "no datapoint \(datapoint.id) in this account")
        }
        for patch in patches {
            if let replaced = patch.replacing {
                try await repository.patch(conversionID: conversion.id, datapointID: replaced.id, action: .remove, now: clock.now())
            }
            try await repository.patch(conversionID: conversion.id, datapointID: patch.datapoint.id, action: patch.action, now: clock.now())
        }
        // A link that now leads to a goal starts setting attribution cookies at once (other nodes within a second).
        try await lists.refresh()
    }

    /// Every goal of the account, deleted ones included, in id order (a page of hits names the goals it led to).
    public func all(accountID: Int64) async throws -> [Conversion] { try await repository.list(accountID: accountID) }

    /// The account's goals that are not deleted, in id order (the dashboard's page; an account has few).
    public func live(accountID: Int64) async throws -> [Conversion] { try await all(accountID: accountID).filter { !$0.isDeleted } }

    /// One page of a filtered list (`nil`: all of it), paged in SQL.
    public func page(_ query: NamedListQuery, _ window: PageWindow?) async throws -> [Conversion] { try await repository.page(query, window) }

    public func count(_ query: NamedListQuery) async throws -> Int { try await repository.count(query) }

    /// The datapoints leading to a goal.
    public func datapointIDs(of conversion: Conversion) async throws -> Set<Int64> {
        try await repository.datapointIDs(conversionID: conversion.id)
    }

    /// The goals each of the datapoints listed leads to.
    public func conversions(ofDatapoints ids: [Int64]) async throws -> [Int64: [Conversion]] {
        try await repository.conversions(ofDatapoints: ids)
    }
}
