import Synchronization
import TallyCore

/// Every account's retargeting scripts and dynamic-destination whitelist in memory, for the tracking path.
public final class LinkExtras: Sendable {
    private struct State {
        var scripts: [Int64: RetargetingScript] = [:]
        var whitelists: [Int64: Set<String>] = [:]
        /// Per account: the links attached to one of its goals that is not deleted.
        var converting: [Int64: Set<Int64>] = [:]
    }

    private let state = Mutex(State())
    let retargeting: SQLRetargetingRepository
    let lists: SQLAccountListRepository

    let conversions: SQLConversionRepository?

    public init(retargeting: SQLRetargetingRepository, lists: SQLAccountListRepository, conversions: SQLConversionRepository? = nil) {
        self.retargeting = retargeting
        self.lists = lists
        self.conversions = conversions
    }

    /// Whether the link leads to a conversion goal, so its clicks carry an id and set the attribution cookies.
    public func leadsToConversions(_ datapoint: Datapoint) -> Bool {
        state.withLock { $0.converting[datapoint.accountID]?.contains(datapoint.id) ?? false }
    }

    public func scripts(_ ids: [Int64], accountID: Int64) -> [RetargetingScript] {
        state.withLock { state in ids.compactMap { state.scripts[$0] }.filter { $0.accountID == accountID } }
    }

    public func whitelist(accountID: Int64) -> Set<String> {
        state.withLock { $0.whitelists[accountID] ?? [] }
    }

    public func reload() async throws {
        let scripts = try await retargeting.list()
        let entries = try await lists.entries(.domainWhitelist)
        var next = State()
        for script in scripts { next.scripts[script.id] = script }
        for entry in entries { next.whitelists[entry.accountID, default: []].insert(entry.value.lowercased()) }
        for (accountID, ids) in try await conversions?.linkedDatapointIDsByAccount() ?? [:] { next.converting[accountID] = ids }
        state.withLock { $0 = next }
    }

    /// One account's scripts, the others kept.
    public func reloadScripts(accountID: Int64) async throws {
        let scripts = try await retargeting.list(accountID: accountID)
        state.withLock { state in
            state.scripts = state.scripts.filter { $0.value.accountID != accountID }
            for script in scripts { state.scripts[script.id] = script }
        }
    }

    /// One account's dynamic-destination whitelist, the others kept.
    public func reloadWhitelist(accountID: Int64) async throws {
        let names = Set(try await lists.entries(.domainWhitelist, accountID: accountID).map { $0.value.lowercased() })
        state.withLock { $0.whitelists[accountID] = names.isEmpty ? nil : names }
    }

    /// The links of one account's goals, the others kept.
    public func reloadConversionLinks(accountID: Int64) async throws {
        guard let conversions else { return }
        let ids = try await conversions.linkedDatapointIDs(accountID: accountID)
        state.withLock { $0.converting[accountID] = ids.isEmpty ? nil : ids }
    }
}
