import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// `/v2/account/guests…`: people outside the account with their own keys, reaching only
/// the datapoints and groups shared with them. The grants are enforced by `APIAuth`, the same check as scopes.
struct GuestsController {
    let guests: GuestService
    let datapoints: DatapointQueries
    let groups: GroupService

    struct GuestWire: ResponseEncodable {
        struct ExtendedGrants: Codable {
            let allowAllGrants: Bool
            let allowGroupCreation: Bool
        }

        let id: Int64
        let name: String
        let email: String
        let userName: String
        let notes: String
        let creationDate: String
        let extendedGrants: ExtendedGrants
        let tlGrants: Int
        let tpGrants: Int
        let groupGrants: Int
        let loginCount: Int
        let timeZone: Int
        let language: String
        let dateFormat: String
        let timeFormat: String
        let decimalSeparator: String
        let numberGroupSeparator: String
        /// Only in the answer to the create: the guest's key, shown this once.
        let apiKey: String?
    }

    struct GrantWire: Encodable, Sendable {
        let DatapointType: String?
        let Entity: EntityURI
        let EntityName: String
        let EntityType: String
        let `Type`: String
    }

    func addRoutes(to api: APIRoutes) {
        api.on(.get, "account/guests", scope: APIScope(.account, .read)) { request, _, auth in
            try requireOwner(auth)
            let query = WireQuery(request)
            let page = try query.page(try await filtered(query, auth))
            if try query.bool("_expand") == true {
                var wires: [GuestWire] = []
                for guest in page { wires.append(try await wire(guest)) }
                return ListWire(entities: wires).response
            }
            return ListWire(entities: page.map { EntityURI("account/guests", $0.id) }).response
        }
        api.on(.get, "account/guests/count", scope: APIScope(.account, .read)) { request, _, auth in
            try requireOwner(auth)
            return CountWire(count: try await filtered(WireQuery(request), auth).count)
        }
        api.on(.post, "account/guests", scope: APIScope(.account, .write)) { request, context, auth in
            try requireOwner(auth)
            var guest = Guest(id: 0, accountID: auth.accountID, name: "", email: "", userName: "", createdAt: 0, updatedAt: 0)
            try apply(try await WireBody.read(request, context), to: &guest)
            let actor = KeyService.Actor.key(auth.key, clientIP: auth.clientIP)
            // A guest without a key is no use to anyone: the service undoes the guest and says why (e.g. a key that
            // cannot grant the guest's scopes).
            let invited = try await KeysController.mapped { try await guests.invite(guest, by: actor) }
            return try await wire(invited.guest, apiKey: invited.fullKey)
        }
        api.on(.get, "account/guests/:id", scope: APIScope(.account, .read)) { _, context, auth in
            try await wire(try await owned(context, auth))
        }
        api.on(.post, "account/guests/:id", scope: APIScope(.account, .write)) { request, context, auth in
            var guest = try await owned(context, auth)
            try apply(try await WireBody.read(request, context), to: &guest)
            return try await wire(try await guests.save(guest))
        }
        api.on(.delete, "account/guests/:id", scope: APIScope(.account, .write)) { _, context, auth in
            let guest = try await owned(context, auth)
            try await guests.delete(guest)
            return EntityURI("account/guests", guest.id)
        }
        api.on(.get, "account/guests/:id/permissions", scope: APIScope(.account, .read)) { request, context, auth in
            let guest = try await owned(context, auth)
            let query = WireQuery(request)
            let page = try query.page(try await permissions(guest, query))
            var wires: [GrantWire] = []
            for grant in page { wires.append(try await grantWire(grant, accountID: guest.accountID)) }
            return ListWire(entities: wires).response
        }
        api.on(.get, "account/guests/:id/permissions/count", scope: APIScope(.account, .read)) { request, context, auth in
            CountWire(count: try await permissions(try await owned(context, auth), WireQuery(request)).count)
        }
        for method in [HTTPRequest.Method.post, .put] {
            api.on(method, "account/guests/:id/:type/permissions/patch", scope: APIScope(.account, .write)) { request, context, auth in
                let guest = try await owned(context, auth)
                guard let type = Self.entityType(context.parameters.get("type")) else {
                    throw ValidationError(field: "type", code: "entity_type_invalid", message: "the path must name datapoint or group")
                }
                let body = try await WireBody.read(request, context)
                let action = try body.enumeration("action", names: ["add": true, "remove": false], numbers: [:])
                guard let action else { throw ValidationError(field: "Action", code: "action_required", message: "Action must be add or remove") }
                guard let id = try body.int64("id") else { throw ValidationError(field: "Id", code: "id_required", message: "Id is required") }
                // `rw` (read and write) is what the running API's clients sent for write; write implies read.
                let verb = try body.enumeration("verb", names: Self.verbNames, numbers: [:])
                try await guests.setGrant(
                    GuestGrant(entityType: type, entityID: id, verb: verb ?? .read), guestID: guest.id, accountID: guest.accountID, remove: !action)
                return EntityURI("account/guests", guest.id)
            }
        }
    }

    static let verbNames: [String: GuestGrant.Verb] = ["r": .read, "read": .read, "w": .write, "write": .write, "rw": .write, "readwrite": .write]

    static func entityType(_ text: String?) -> GuestGrant.EntityType? {
        switch text?.lowercased() {
        case "datapoint", "datapoints", "dp": .datapoint
        case "group", "groups", "gr": .group
        default: nil
        }
    }

    /// Guests are the account owner's business: not a guest's, not a key limited to some groups.
    func requireOwner(_ auth: APIAuth) throws {
        guard auth.guest == nil, auth.key.groupIDs.isEmpty else {
            throw APIError(status: .forbidden, code: "owner_only", message: "only the account's own unrestricted keys manage guests")
        }
    }

    func owned(_ context: TallyRequestContext, _ auth: APIAuth) async throws -> Guest {
        try requireOwner(auth)
        guard let id = context.parameters.get("id", as: Int64.self), let guest = try await guests.owned(id, accountID: auth.accountID)
        else { throw APIError.notFound }
        return guest
    }

    func apply(_ body: WireObject, to guest: inout Guest) throws(ValidationError) {
        if let name = try body.string("name") { guest.name = name }
        if let email = try body.string("email") { guest.email = email.trimmingCharacters(in: .whitespaces) }
        if let userName = try body.string("userName") { guest.userName = userName }
        if guest.userName.isEmpty { guest.userName = guest.email }
        if let notes = try body.string("notes") { guest.notes = try WireText.bounded(notes, "Notes", 10_000) }
        if let zone = try body.int("timeZone") { guest.preferences.timeZone = zone }
        if let language = try body.string("language") { guest.preferences.language = language }
        if let format = try body.string("dateFormat") { guest.preferences.dateFormat = format }
        if let format = try body.enumeration(
            "timeFormat", names: ["ampm": GuestPreferences.TimeFormat.amPm, "h24": .h24, "24h": .h24, "12h": .amPm], numbers: [0: .amPm, 1: .h24])
        {
            guest.preferences.timeFormat = format
        }
        if let separator = try body.string("decimalSeparator") { guest.preferences.decimalSeparator = separator }
        if let separator = try body.string("numberGroupSeparator") { guest.preferences.numberGroupSeparator = separator }
        if let extended = try body.object("extendedGrants") {
            if let all = try extended.bool("allowAllGrants") { guest.allowAllGrants = all }
            if let groups = try extended.bool("allowGroupCreation") { guest.allowGroupCreation = groups }
        }
        try guest.validate()
    }

    func filtered(_ query: WireQuery, _ auth: APIAuth) async throws -> [Guest] {
        var all = try await guests.list(accountID: auth.accountID)
        if let search = query.string("textSearch"), !search.isEmpty {
            let needle = search.replacingOccurrences(of: "*", with: "").lowercased()
            all = all.filter { [$0.name, $0.email, $0.userName].contains { $0.lowercased().contains(needle) } }
        }
        switch query.string("sortBy")?.lowercased() {
        case nil, "", "id", "creationdate": break
        case "name": all.sort { ($0.name.lowercased(), $0.id) < ($1.name.lowercased(), $1.id) }
        case "email": all.sort { ($0.email.lowercased(), $0.id) < ($1.email.lowercased(), $1.id) }
        default: throw WireQuery.invalid("sortBy", "one of id, name, email, creationDate")
        }
        switch query.string("sortDirection")?.lowercased() {
        case nil, "asc": return all
        case "desc": return all.reversed()
        default: throw WireQuery.invalid("sortDirection", "asc or desc")
        }
    }

    /// `entityType=datapoint|group`, `type=r|w`, `entityId`.
    func permissions(_ guest: Guest, _ query: WireQuery) async throws -> [GuestGrant] {
        var grants = try await guests.grants(of: guest)
        if let text = query.string("entityType") {
            guard let type = Self.entityType(text) else { throw WireQuery.invalid("entityType", "datapoint or group") }
            grants = grants.filter { $0.entityType == type }
        }
        if let text = query.string("type") {
            guard let verb = Self.verbNames[text.lowercased()] else { throw WireQuery.invalid("type", "r, w or rw") }
            grants = grants.filter { $0.verb == verb }
        }
        if let text = query.string("entityId") {
            guard let id = Int64(text) else { throw WireQuery.invalid("entityId", "an integer") }
            grants = grants.filter { $0.entityID == id }
        }
        return grants
    }

    func grantWire(_ grant: GuestGrant, accountID: Int64) async throws -> GrantWire {
        switch grant.entityType {
        case .datapoint:
            let datapoint = try await datapoints.find(id: grant.entityID)
            return GrantWire(
                DatapointType: datapoint.map { $0.type == .trackingLink ? "tl" : "tp" }, Entity: EntityURI("datapoints", grant.entityID),
                EntityName: datapoint?.name ?? "", EntityType: "Datapoint", Type: Self.verbWire(grant.verb))
        case .group:
            let group = try await groups.owned(grant.entityID, accountID: accountID)
            return GrantWire(
                DatapointType: nil, Entity: EntityURI("groups", grant.entityID), EntityName: group?.name ?? "", EntityType: "Group",
                Type: Self.verbWire(grant.verb))
        }
    }

    /// The running API spelled a grant's kinds in full: `Datapoint`/`Group`, `Read`/`Write`.
    static func verbWire(_ verb: GuestGrant.Verb) -> String { verb == .write ? "Write" : "Read" }

    func wire(_ guest: Guest, apiKey: String? = nil) async throws -> GuestWire {
        var tl = 0
        var tp = 0
        var grouped = 0
        for grant in try await guests.grants(of: guest) {
            switch grant.entityType {
            case .group: grouped += 1
            case .datapoint: if try await datapoints.find(id: grant.entityID)?.type == .trackingPixel { tp += 1 } else { tl += 1 }
            }
        }
        return GuestWire(
            id: guest.id, name: guest.name, email: guest.email, userName: guest.userName, notes: guest.notes,
            creationDate: ClickMeterDate.format(guest.createdAt),
            extendedGrants: .init(allowAllGrants: guest.allowAllGrants, allowGroupCreation: guest.allowGroupCreation), tlGrants: tl,
            tpGrants: tp, groupGrants: grouped, loginCount: 0, timeZone: guest.preferences.timeZone, language: guest.preferences.language,
            dateFormat: guest.preferences.dateFormat, timeFormat: guest.preferences.timeFormat.rawValue,
            decimalSeparator: guest.preferences.decimalSeparator, numberGroupSeparator: guest.preferences.numberGroupSeparator, apiKey: apiKey)
    }
}
