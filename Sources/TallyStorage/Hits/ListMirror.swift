import Synchronization
import TallyCore

/// Keeps this node's in-memory lists (IP blacklists, domain whitelists, retargeting scripts, the links of conversion
/// goals, domains) equal to the database: loaded whole at start, then refreshed from their versions (migration 16) —
/// one row read when nothing changed, and only the changed accounts' lists when something did, whichever node or
/// process made the change. A write on this node refreshes at once, so its own next request sees it.
public final class ListMirror: Sendable {
    let versions: SQLListVersionRepository
    let lists: SQLAccountListRepository
    let domainRepository: any DomainRepository
    public let blacklists: IPBlacklists
    public let extras: LinkExtras
    public let domains: DomainDirectory

    private struct Seen {
        var epoch: Int64 = -1
        var versions: [ListVersionKey: Int64] = [:]
        /// Refreshes run one at a time: a slow one finishing after a newer one must not put older rows back.
        var running: Task<Void, any Error>?
    }

    private let seen = Mutex(Seen())

    public init(
        versions: SQLListVersionRepository, lists: SQLAccountListRepository, domainRepository: any DomainRepository,
        blacklists: IPBlacklists, extras: LinkExtras, domains: DomainDirectory
    ) {
        self.versions = versions
        self.lists = lists
        self.domainRepository = domainRepository
        self.blacklists = blacklists
        self.extras = extras
        self.domains = domains
    }

    /// Everything, whole (at start). The versions are read first: a change made during the load changes them again.
    public func loadAll() async throws {
        try await serially {
            let epoch = try await self.versions.epoch()
            let versions = try await self.versions.versions()
            try await self.blacklists.reload(from: self.lists)
            try await self.extras.reload()
            self.domains.replace(with: try await self.domainRepository.all())
            self.seen.withLock {
                $0.epoch = epoch
                $0.versions = versions
            }
        }
    }

    /// What changed since the last load or refresh; what did not change is not read.
    /// - Returns: the lists reloaded (tests look).
    @discardableResult
    public func refresh() async throws -> [ListVersionKey] {
        let reloaded = Mutex<[ListVersionKey]>([])
        try await serially {
            let epoch = try await self.versions.epoch()
            if epoch == self.seen.withLock({ $0.epoch }) { return }
            let current = try await self.versions.versions()
            let known = self.seen.withLock { $0.versions }
            let changed = current.filter { known[$0.key] != $0.value }.keys.sorted {
                ($0.list.rawValue, $0.accountID) < ($1.list.rawValue, $1.accountID)
            }
            for key in changed { try await self.reload(key) }
            self.seen.withLock {
                $0.epoch = epoch
                $0.versions = current
            }
            reloaded.withLock { $0 = changed }
        }
        return reloaded.withLock { $0 }
    }

    private func reload(_ key: ListVersionKey) async throws {
        switch key.list {
        case .ipBlacklist: blacklists.replace(accountID: key.accountID, with: try await lists.entries(.ipBlacklist, accountID: key.accountID))
        case .domainWhitelist: try await extras.reloadWhitelist(accountID: key.accountID)
        case .retargetingScripts: try await extras.reloadScripts(accountID: key.accountID)
        case .conversionLinks: try await extras.reloadConversionLinks(accountID: key.accountID)
        case .domains:
            let accountID = key.accountID == 0 ? nil : key.accountID
            domains.replace(accountID: accountID, with: try await domainRepository.all(accountID: accountID))
        }
    }

    /// Runs `body` after every refresh begun before it has finished.
    private func serially(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let task = seen.withLock { seen in
            let previous = seen.running
            let task = Task {
                _ = try? await previous?.value
                try await body()
            }
            seen.running = task
            return task
        }
        try await task.value
    }
}
