import TallyCore

/// An account's IP blacklist and domain whitelist as the API and the dashboard change them: the same spelling of an
/// entry whichever surface added it, and this node's tracking lists refreshed after every change, so its next hit
/// obeys it (other nodes within a second, through the list versions).
public struct AccountListService: Sendable {
    public typealias Entry = SQLAccountListRepository.Entry
    public typealias List = SQLAccountListRepository.List

    let repository: SQLAccountListRepository
    let lists: ListMirror
    let clock: WallClock

    public init(repository: SQLAccountListRepository, lists: ListMirror, clock: WallClock) {
        self.repository = repository
        self.lists = lists
        self.clock = clock
    }

    /// The account's entries of one list, oldest first.
    public func entries(_ list: List, accountID: Int64) async throws -> [Entry] { try await repository.entries(list, accountID: accountID) }

    /// Blacklists an address or network, stored in its compact spelling (a single address without `/32` or `/128`).
    public func block(_ network: IPNetwork, accountID: Int64) async throws -> Entry {
        let entry = try await repository.add(.ipBlacklist, accountID: accountID, value: network.compactDescription, now: clock.now())
        try await lists.refresh()
        return entry
    }

    /// Whitelists a domain name, checked (`SQLDomainRepository.validateName`) before anything is written.
    public func allow(domain: String, accountID: Int64) async throws -> Entry {
        let name = try SQLDomainRepository.validateName(domain)
        let entry = try await repository.add(.domainWhitelist, accountID: accountID, value: name, now: clock.now())
        try await lists.refresh()
        return entry
    }

    /// Removes one of the account's entries; `nil` when the id names none of them (another account's included).
    public func remove(_ list: List, id: Int64, accountID: Int64) async throws -> Entry? {
        guard let entry = try await repository.remove(list, id: id, accountID: accountID) else { return nil }
        try await lists.refresh()
        return entry
    }
}
