import Synchronization
import TallyCore

/// Every account's retargeting scripts and dynamic-destination whitelist in memory, for the tracking path.
public final class LinkExtras: Sendable {
    private struct State {
        var scripts: [Int64: RetargetingScript] = [:]
        var whitelists: [Int64: Set<String>] = [:]
        var converting: Set<Int64> = []
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
    public func leadsToConversions(_ datapointID: Int64) -> Bool {
        state.withLock { $0.converting.contains(datapointID) }
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
        next.converting = try await conversions?.linkedDatapointIDs() ?? []
        for script in scripts { next.scripts[script.id] = script }
        for entry in entries { next.whitelists[entry.accountID, default: []].insert(entry.value.lowercased()) }
        state.withLock { $0 = next }
    }
}
