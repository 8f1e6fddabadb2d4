import TallyCore

/// An account's guests (people outside it, reaching only what is shared with them) as the API and the dashboard
/// manage them. A guest is never left without a key: `invite` makes both or neither. Whose guest an id names is
/// decided here only (`owned`).
public struct GuestService: Sendable {
    let repository: SQLGuestRepository
    let keys: KeyService
    let datapoints: SQLDatapointRepository
    let groups: GroupService
    let clock: WallClock

    public init(repository: SQLGuestRepository, keys: KeyService, datapoints: SQLDatapointRepository, groups: GroupService, clock: WallClock) {
        self.repository = repository
        self.keys = keys
        self.datapoints = datapoints
        self.groups = groups
        self.clock = clock
    }

    /// A guest's key may manage the datapoints and groups shared for writing and read the rest of what is shared
    /// (`APIAuth` bounds every scope by the grants).
    static let keyScopes = APIScopeSet([
        APIScope(.datapoints, .write), APIScope(.groups, .write), APIScope(.tags, .read), APIScope(.conversions, .read),
        APIScope(.stats, .read), APIScope(.domains, .read),
    ])

    /// Creates the guest (validated first) and the key of their own, shown once; when the key cannot be made (a
    /// limited actor cannot grant the guest's scopes, say) the guest is removed again and the key's error thrown.
    public func invite(_ guest: Guest, by actor: KeyService.Actor) async throws -> (guest: Guest, key: APIKey, fullKey: String) {
        let created = try await repository.create(guest, now: clock.now())
        // A user name may be 100 characters and a key's name no more: the key is named after the guest, clipped.
        var new = KeyService.NewKey(name: String("guest \(created.userName)".prefix(100)), scopes: Self.keyScopes)
        new.guestID = created.id
        do {
            let issued = try await keys.create(new, accountID: created.accountID, by: actor)
            return (created, issued.key, issued.fullKey)
        } catch {
            try? await repository.delete(id: created.id, now: clock.now())
            throw error
        }
    }

    /// The guest `id` if it belongs to `accountID`, `nil` otherwise.
    public func owned(_ id: Int64, accountID: Int64) async throws -> Guest? {
        guard let guest = try await repository.find(id: id), guest.accountID == accountID else { return nil }
        return guest
    }

    public func list(accountID: Int64) async throws -> [Guest] { try await repository.list(accountID: accountID) }

    /// Writes a guest read through `owned` and changed by the caller (validated first).
    public func save(_ guest: Guest) async throws -> Guest { try await repository.save(guest, now: clock.now()) }

    public func delete(_ guest: Guest) async throws { try await repository.delete(id: guest.id, now: clock.now()) }

    public func grants(of guest: Guest) async throws -> [GuestGrant] { try await repository.grants(guestID: guest.id) }

    /// Shares one datapoint or group of the account with one of its guests (or stops sharing it); an entity of another
    /// account is refused (`entity_unknown`) before anything is written.
    public func setGrant(_ grant: GuestGrant, guestID: Int64, accountID: Int64, remove: Bool) async throws {
        let found =
            switch grant.entityType {
            case .datapoint: try await datapoints.find(id: grant.entityID)?.accountID == accountID
            case .group: try await groups.owned(grant.entityID, accountID: accountID) != nil
            }
        guard found else {
            throw ValidationError(field: "Id", code: "entity_unknown", message: "no \(grant.entityType.rawValue) \(grant.entityID) in this account")
        }
        try await repository.setGrant(guestID: guestID, grant, remove: remove)
    }
}
