import Synchronization
import TallyCore

/// Every account's IP blacklist in memory, consulted for each hit (on the event loop: a lock and a short scan).
public final class IPBlacklists: Sendable {
    private let networks = Mutex<[Int64: [IPNetwork]]>([:])

    public init() {}

    public func blocks(accountID: Int64, address: IPAddress) -> Bool {
        networks.withLock { $0[accountID]?.contains { $0.contains(address) } ?? false }
    }

    public func replace(with entries: [SQLAccountListRepository.Entry]) {
        var map: [Int64: [IPNetwork]] = [:]
        for entry in entries {
            if let network = IPNetwork(entry.value) { map[entry.accountID, default: []].append(network) }
        }
        networks.withLock { $0 = map }
    }

    /// One account's entries, the others kept (what a refresh does when only that account's list changed).
    public func replace(accountID: Int64, with entries: [SQLAccountListRepository.Entry]) {
        let list = entries.compactMap { IPNetwork($0.value) }
        networks.withLock { $0[accountID] = list.isEmpty ? nil : list }
    }

    public func reload(from repository: SQLAccountListRepository) async throws {
        replace(with: try await repository.entries(.ipBlacklist))
    }
}
