import Synchronization
import TallyCore

/// Domains by host name, in memory; requests for a host we do not know use the system domain.
public final class DomainDirectory: Sendable {
    private let byName: Mutex<[String: Domain]>
    public let systemDomain: Domain

    public init(systemDomain: Domain, domains: [Domain] = []) {
        self.systemDomain = systemDomain
        self.byName = Mutex(Self.byName(domains, system: systemDomain))
    }

    /// - Parameter host: the request's `Host` (any case, port included when not default).
    public func domain(forHost host: String?) -> Domain {
        guard let host, !host.isEmpty else { return systemDomain }
        return byName.withLock { domains in
            // Hosts almost always arrive in lower case already; only lower-case (and allocate) when that misses.
            domains[host] ?? domains[host.lowercased()]
        } ?? systemDomain
    }

    public func domain(id: Int64) -> Domain? {
        if id == systemDomain.id { return systemDomain }
        return byName.withLock { $0.values.first { $0.id == id } }
    }

    public var all: [Domain] { byName.withLock { Array($0.values) }.sorted { $0.id < $1.id } }

    public func replace(with domains: [Domain]) {
        let map = Self.byName(domains, system: systemDomain)
        byName.withLock { $0 = map }
    }

    /// One account's domains (`nil`: those of no account), the others kept.
    public func replace(accountID: Int64?, with domains: [Domain]) {
        byName.withLock { map in
            map = map.filter { $0.value.accountID != accountID || $0.value.id == systemDomain.id }
            for domain in domains where domain.name != systemDomain.name { map[domain.name] = domain }
        }
    }

    private static func byName(_ domains: [Domain], system: Domain) -> [String: Domain] {
        var map = Dictionary(domains.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        map[system.name] = system
        return map
    }

    /// Every host ClickTally answers tracking requests on (destinations must not point at one).
    public var trackingHosts: Set<String> { byName.withLock { Set($0.keys) } }
}
