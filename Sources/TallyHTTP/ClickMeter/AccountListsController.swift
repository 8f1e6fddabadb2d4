import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// `/v2/account/ipblacklist` and `/v2/account/domainwhitelist`: ids are strings on the wire.
struct AccountListsController {
    let lists: AccountListService

    struct BlacklistWire: ResponseEncodable {
        let id: String
        let ip: String

        /// Entries stored before single addresses were kept bare still answer without `/32`.
        init(_ entry: SQLAccountListRepository.Entry) {
            id = String(entry.id)
            ip = IPNetwork(entry.value)?.compactDescription ?? entry.value
        }
    }

    struct WhitelistWire: ResponseEncodable {
        let id: String
        let name: String
    }

    func addRoutes(to api: APIRoutes) {
        api.on(.get, "account/ipblacklist", scope: APIScope(.account, .read)) { request, _, auth in
            let entries = try WireQuery(request).page(try await lists.entries(.ipBlacklist, accountID: auth.accountID))
            return ListWire(entities: entries.map(BlacklistWire.init)).response
        }
        api.on(.post, "account/ipblacklist", scope: APIScope(.account, .write)) { request, context, auth in
            let body = try await WireBody.read(request, context)
            guard let text = try body.string("ip"), let network = IPNetwork(text.trimmingSpaces) else {
                throw ValidationError(field: "Ip", code: "ip_invalid", message: "Ip must be an IPv4 or IPv6 address, or a network in CIDR form")
            }
            return BlacklistWire(try await lists.block(network, accountID: auth.accountID))
        }
        api.on(.delete, "account/ipblacklist/:id", scope: APIScope(.account, .write)) { _, context, auth in
            guard let id = context.parameters.get("id", as: Int64.self),
                let entry = try await lists.remove(.ipBlacklist, id: id, accountID: auth.accountID)
            else { throw APIError.notFound }
            return BlacklistWire(entry)
        }
        api.on(.get, "account/domainwhitelist", scope: APIScope(.account, .read)) { request, _, auth in
            let entries = try WireQuery(request).page(try await lists.entries(.domainWhitelist, accountID: auth.accountID))
            return ListWire(entities: entries.map { WhitelistWire(id: String($0.id), name: $0.value) }).response
        }
        api.on(.post, "account/domainwhitelist", scope: APIScope(.account, .write)) { request, context, auth in
            let body = try await WireBody.read(request, context)
            guard let text = try body.string("name") else { throw ValidationError(field: "Name", code: "name_required", message: "Name is required") }
            let entry = try await lists.allow(domain: text, accountID: auth.accountID)
            return WhitelistWire(id: String(entry.id), name: entry.value)
        }
        api.on(.delete, "account/domainwhitelist/:id", scope: APIScope(.account, .write)) { _, context, auth in
            guard let id = context.parameters.get("id", as: Int64.self),
                let entry = try await lists.remove(.domainWhitelist, id: id, accountID: auth.accountID)
            else { throw APIError.notFound }
            return WhitelistWire(id: String(entry.id), name: entry.value)
        }
    }
}
