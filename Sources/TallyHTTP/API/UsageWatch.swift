import Synchronization
import TallyCore
import TallyStorage

/// Watches accepted requests for two anomalies: a minute far above the key's own rate (`RateBaseline`), and the
/// first use from an address network (/24, /48) the key was never used from. The networks are seeded from the usage
/// log the first time a key is seen. On one node the rates are counted in memory; on PostgreSQL over every node's
/// requests (`SharedRateBaselines`), falling back to this node's own count when the database cannot answer.
final class UsageWatch: Sendable {
    private let baselines = Mutex<[Int64: RateBaseline]>([:])
    private let networks = Mutex<[Int64: Set<String>]>([:])
    let events: SQLKeyEventRepository
    let shared: SharedRateBaselines?

    init(events: SQLKeyEventRepository, shared: SharedRateBaselines? = nil) {
        self.events = events
        self.shared = shared
    }

    func isSpike(keyID: Int64, at time: Int64) async -> Bool {
        if let shared, let spike = try? await shared.isSpike(keyID: keyID, at: time) { return spike }
        return baselines.withLock { baselines in
            if baselines.count > 100_000 { baselines.removeAll() }
            return baselines[keyID, default: RateBaseline()].record(at: time)
        }
    }

    /// Whether `client` is in a network this key has not been used from, and the key had been used before.
    func isNewNetwork(keyID: Int64, client: IPAddress) async throws -> Bool {
        let network = client.masked.description
        if networks.withLock({ $0[keyID] }) == nil {
            let seen = Set(try await events.clientIPs(keyID: keyID).compactMap { IPAddress($0)?.masked.description })
            networks.withLock { networks in
                if networks.count > 100_000 { networks.removeAll() }
                if networks[keyID] == nil { networks[keyID] = seen }
            }
        }
        return networks.withLock { networks in
            let known = networks[keyID, default: []]
            guard !known.contains(network) else { return false }
            networks[keyID, default: []].insert(network)
            return !known.isEmpty
        }
    }
}
