import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// `/v2/domains…`: the system domain every account shares, and an account's own (dedicated or
/// personal) domains. The redirect endpoint serves every configured domain by `Host`; a new domain is live on this
/// node at once and on others within a second (`CacheRefresher`).
struct DomainsController {
    let repository: SQLDomainRepository
    let lists: ListMirror
    let clock: WallClock

    struct DomainWire: ResponseEncodable {
        let id: Int64
        let name: String
        /// 0 system, 1 go, 2 dedicated, 3 personal.
        let type: Int
        let custom404: String
        let customHomepage: String

        init(_ domain: Domain) {
            id = domain.id
            name = domain.name
            type = domain.type.rawValue
            custom404 = ""
            customHomepage = ""
        }
    }

    static let typeNames: [String: DomainType] = ["system": .system, "go": .go, "dedicated": .dedicated, "personal": .personal]
    static let typeNumbers = Dictionary(uniqueKeysWithValues: DomainType.allCases.map { ($0.rawValue, $0) })

    func addRoutes(to api: APIRoutes) {
        api.on(.get, "domains", scope: APIScope(.domains, .read)) { request, _, auth in
            let query = WireQuery(request)
            let page = try query.page(try visible(query, auth))
            if try query.bool("_expand") == true { return ListWire(entities: page.map(DomainWire.init)).response }
            return ListWire(entities: page.map { EntityURI("domains", $0.id) }).response
        }
        api.on(.get, "domains/count", scope: APIScope(.domains, .read)) { request, _, auth in
            CountWire(count: try visible(WireQuery(request), auth).count)
        }
        api.on(.post, "domains", scope: APIScope(.domains, .write)) { request, context, auth in
            let body = try await WireBody.read(request, context)
            guard let name = try body.string("name") else { throw ValidationError(field: "Name", code: "name_required", message: "Name is required") }
            // Clients send back the `type` they read, any of the four. `system` and `go` domains are ClickMeter's own; in
            // ClickTally the server owns those, so an account's new domain of either kind is kept as dedicated.
            var type = try body.enumeration("type", names: Self.typeNames, numbers: Self.typeNumbers) ?? .dedicated
            if type == .system || type == .go { type = .dedicated }
            let domain = try await repository.create(accountID: auth.accountID, name: name, type: type, now: clock.now())
            try await lists.refresh()
            return EntityURI("domains", domain.id)
        }
        api.on(.get, "domains/:id", scope: APIScope(.domains, .read)) { _, context, auth in
            DomainWire(try owned(context, auth, writing: false))
        }
        // ClickTally keeps no custom 404 or home page yet, and a domain's name is part of its links: nothing to update.
        api.on(.post, "domains/:id", scope: APIScope(.domains, .write)) { _, context, auth in
            EntityURI("domains", try owned(context, auth, writing: true).id)
        }
        api.on(.delete, "domains/:id", scope: APIScope(.domains, .write)) { _, context, auth in
            let domain = try owned(context, auth, writing: true)
            try await repository.delete(id: domain.id)
            try await lists.refresh()
            return EntityURI("domains", domain.id)
        }
    }

    private func owned(_ context: TallyRequestContext, _ auth: APIAuth, writing: Bool) throws -> Domain {
        guard let id = context.parameters.get("id", as: Int64.self), let domain = lists.domains.domain(id: id),
            domain.type == .system || domain.accountID == auth.accountID
        else { throw APIError.notFound }
        if writing, domain.type == .system {
            throw APIError(status: .forbidden, code: "system_domain", message: "the system domain belongs to the server, not to an account")
        }
        return domain
    }

    /// The system domain and the account's own, optionally of one `type`.
    private func visible(_ query: WireQuery, _ auth: APIAuth) throws -> [Domain] {
        var all = lists.domains.all.filter { $0.type == .system || $0.accountID == auth.accountID }
        if let text = query.string("type")?.lowercased() {
            guard let type = Self.typeNames[text] else { throw WireQuery.invalid("type", "one of system, go, dedicated, personal") }
            all = all.filter { $0.type == type }
        }
        return all
    }
}
