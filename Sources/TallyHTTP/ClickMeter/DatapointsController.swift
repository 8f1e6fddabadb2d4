import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// `/v2/datapoints…`, ClickMeter's tracking links and pixels: every query is limited to
/// the key's account (and groups, for a group-restricted key); another account's id is simply not found.
struct DatapointsController {
    let service: DatapointService
    let repository: SQLDatapointRepository
    let groups: SQLGroupRepository
    let tags: SQLTagRepository
    let domains: DomainDirectory
    let retargeting: SQLRetargetingRepository
    let conversions: SQLConversionRepository
    let extras: LinkExtras
    let publicURL: String

    /// Larger `limit`s are accepted and capped here (clients page with big limits and stop at an empty page).
    static let maximumLimit = 1000

    func addRoutes(to api: APIRoutes) {
        api.on(.get, "datapoints", scope: APIScope(.datapoints, .read)) { request, _, auth in
            try await listResponse(WireQuery(request), auth)
        }
        api.on(.get, "datapoints/count", scope: APIScope(.datapoints, .read)) { request, _, auth in
            try await count(WireQuery(request), auth)
        }
        api.on(.get, "datapoints/:id", scope: APIScope(.datapoints, .read)) { _, context, auth in
            try await wires([try await owned(context, auth)], auth)[0]
        }
        for method in [HTTPRequest.Method.post, .put] {
            api.on(method, "datapoints", scope: APIScope(.datapoints, .write)) { request, context, auth in
                let body = try await WireBody.read(request, context)
                let created = try await Self.mapped { try await create(body, auth) }
                return EntityURI("datapoints", created.id)
            }
        }
        api.on(.post, "datapoints/:id", scope: APIScope(.datapoints, .write)) { request, context, auth in
            let existing = try await owned(context, auth)
            let body = try await WireBody.read(request, context)
            let updated = try await Self.mapped { try await update(existing, with: body, auth) }
            return EntityURI("datapoints", updated.id)
        }
        api.on(.delete, "datapoints/:id", scope: APIScope(.datapoints, .write)) { _, context, auth in
            let existing = try await owned(context, auth)
            _ = try await service.setStatus(id: existing.id, to: .deleted)
            return EntityURI("datapoints", existing.id)
        }
        api.on(.put, "datapoints/:id/favourite", scope: APIScope(.datapoints, .write)) { _, context, auth in
            var existing = try await owned(context, auth)
            let previous = existing
            existing.isFavourite.toggle()
            return EntityURI("datapoints", try await service.save(existing, previous: previous).id)
        }
        api.on(.put, "datapoints/:id/notes", scope: APIScope(.datapoints, .write)) { request, context, auth in
            var existing = try await owned(context, auth)
            let previous = existing
            existing.notes = try await WireBody.notes(request, context)
            return EntityURI("datapoints", try await service.save(existing, previous: previous).id)
        }
    }

    /// `GET /v2/links` and `/v2/links/{id}`: the seed's alias for the account's tracking links, the same as
    /// `/v2/datapoints?type=tl` (same filters, shapes and authorization).
    func addLinkAliases(to api: APIRoutes) {
        api.on(.get, "links", scope: APIScope(.datapoints, .read)) { request, _, auth in
            try await listResponse(WireQuery(request), auth, type: .trackingLink)
        }
        api.on(.get, "links/:id", scope: APIScope(.datapoints, .read)) { _, context, auth in
            let datapoint = try await owned(context, auth)
            guard datapoint.type == .trackingLink else { throw APIError.notFound }
            return try await wires([datapoint], auth)[0]
        }
    }

    func wire(
        _ datapoint: Datapoint, tags: [DatapointWire.TagWire] = [], conversions: [Conversion] = [], writable: Bool = true,
        groupName: String? = nil
    ) -> DatapointWire {
        let domain = domains.domain(id: datapoint.domainID) ?? domains.systemDomain
        return DatapointWire(
            datapoint, trackingCode: TrackingCode.url(publicURL: publicURL, domain: domain, name: datapoint.name), tags: tags,
            scripts: extras.scripts(datapoint.options.scriptIDs, accountID: datapoint.accountID), conversions: conversions,
            writePermited: writable, groupName: groupName)
    }

    /// Full datapoints with their tags and conversions, each loaded in one query; `writePermited` as `auth` sees it.
    func wires(_ datapoints: [Datapoint], _ auth: APIAuth) async throws -> [DatapointWire] {
        let ids = datapoints.map(\.id)
        let tagged = try await tags.tags(ofDatapoints: ids)
        let converting = try await conversions.conversions(ofDatapoints: ids)
        let groupNames = try await groups.names(ids: Set(datapoints.compactMap(\.groupID)))
        return datapoints.map { datapoint in
            wire(
                datapoint, tags: (tagged[datapoint.id] ?? []).map { DatapointWire.TagWire(id: $0.id, name: $0.name) },
                conversions: converting[datapoint.id] ?? [], writable: auth.canWrite(datapoint),
                groupName: datapoint.groupID.flatMap { groupNames[$0] })
        }
    }

    /// The datapoint named by the path, if the key may see it; 404 otherwise, whatever the reason.
    func owned(_ context: TallyRequestContext, _ auth: APIAuth) async throws -> Datapoint {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw APIError.notFound }
        return try auth.check(try await repository.find(id: id))
    }

    /// A page of the datapoints `query` picks, as `{id, uri}` or (`_expand=true`) full datapoints.
    func listResponse(
        _ wire: WireQuery, _ auth: APIAuth, type: DatapointType? = nil, groupID: Int64? = nil, linkedTo: DatapointQuery.Link? = nil
    ) async throws -> Response {
        let chosen = try query(wire, auth, type: type, groupID: groupID, linkedTo: linkedTo)
        let page = try await repository.page(chosen, try wire.window())
        if try wire.bool("_expand") == true { return ListWire(entities: try await wires(page, auth)).response }
        return ListWire(entities: page.map { EntityURI("datapoints", $0.id) }).response
    }

    /// How many datapoints `query` picks.
    func count(
        _ wire: WireQuery, _ auth: APIAuth, groupID: Int64? = nil, linkedTo: DatapointQuery.Link? = nil
    ) async throws -> CountWire {
        CountWire(count: try await repository.count(try query(wire, auth, groupID: groupID, linkedTo: linkedTo)))
    }

    /// The datapoints a list's query parameters pick, among those the caller may see: `status`, `type`, `tags`
    /// (names, any of them), `onlyFavorites` (or `favourite`), `createdAfter`/`createdBefore`, `textSearch`, `sortBy`,
    /// `sortDirection`.
    /// - Parameter linkedTo: the datapoints of a conversion or retargeting script, when listing those.
    func query(
        _ wire: WireQuery, _ auth: APIAuth, type forced: DatapointType? = nil, groupID: Int64? = nil, linkedTo: DatapointQuery.Link? = nil
    ) throws -> DatapointQuery {
        let order = try wire.datapointOrder()
        var query = DatapointQuery(
            accountID: auth.accountID, visibility: auth.visibility, statuses: try wire.statuses(), sort: order.sort, descending: order.descending)
        query.groupID = groupID
        query.linkedTo = linkedTo
        if let names = wire.string("tags") ?? wire.string("tag"), !names.isEmpty {
            query.tagNames = Set(names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        }
        query.type = try forced ?? wire.datapointType()
        query.favouritesOnly = try wire.bool("onlyFavorites") == true || wire.bool("favourite") == true
        query.createdFrom = try wire.date("createdAfter")
        query.createdTo = try wire.date("createdBefore")
        if let search = wire.string("textSearch")?.replacingOccurrences(of: "*", with: ""), !search.isEmpty { query.text = search }
        return query
    }

    func create(_ body: WireObject, _ auth: APIAuth, inGroup forcedGroup: Int64? = nil) async throws -> Datapoint {
        let (domain, request) = try await createRequest(body, auth, inGroup: forcedGroup)
        return try await service.create(accountID: auth.accountID, domain: domain, request)
    }

    /// What a create body asks for, checked (the domain, the group, the options); `knownGroups`: groups already checked
    /// in this batch.
    func createRequest(
        _ body: WireObject, _ auth: APIAuth, inGroup forcedGroup: Int64? = nil, knownGroups: Set<Int64> = []
    ) async throws -> (domain: Domain, request: DatapointService.CreateRequest) {
        let type = try body.enumeration("type", names: ClickMeterVocabulary.typeNames, numbers: ClickMeterVocabulary.typeNumbers) ?? .trackingLink
        let link = try body.object("typeTL")
        var domain = domains.systemDomain
        if let domainID = try link?.int64("domainId") {
            guard let chosen = domains.domain(id: domainID), chosen.type == .system || chosen.accountID == auth.accountID else {
                throw ValidationError(field: "TypeTL.DomainId", code: "domain_unknown", message: "no domain \(domainID) in this account")
            }
            domain = chosen
        }
        let groupID = try forcedGroup ?? body.int64("groupId")
        if !(groupID.map(knownGroups.contains) ?? false) { try await checkGroup(groupID, auth) }
        if !auth.reachesWholeAccount {
            guard let groupID, auth.allowsGroup(groupID) else {
                throw ValidationError(field: "GroupId", code: "group_not_allowed", message: "this key may only create datapoints in its groups")
            }
        }
        let options = type == .trackingLink ? try await linkOptions(from: link, existing: LinkOptions(), auth: auth) : LinkOptions()
        // A rotator's main destination is its first one when the client sends no `url` (ClickMeter's rotators have none).
        let main = try link?.string("url") ?? (options.mode.isRotator ? options.destinations.first?.url : nil)
        var request = DatapointService.CreateRequest(
            type: type, destination: type == .trackingLink ? main : nil, name: try body.string("name"),
            title: try Self.bounded(try body.string("title") ?? "", "Title", 500),
            notes: try Self.bounded(try body.string("notes") ?? "", "Notes", 10_000),
            redirectType: try ClickMeterVocabulary.redirectType(link) ?? .default, encodeIP: try body.bool("encodeIp") ?? false, groupID: groupID)
        request.options = options
        if request.name?.isEmpty == true { request.name = nil }
        request.isFavourite = try body.bool("preferred") == true
        return (domain, request)
    }

    func update(_ existing: Datapoint, with body: WireObject, _ auth: APIAuth) async throws -> Datapoint {
        var changed = existing
        // The running API renamed a datapoint through its update; the old short URL stops working at once.
        if let name = try body.string("name"), !name.isEmpty, name != existing.name { changed.name = name }
        if let title = try body.string("title") { changed.title = try Self.bounded(title, "Title", 500) }
        if let notes = try body.string("notes") { changed.notes = try Self.bounded(notes, "Notes", 10_000) }
        if let preferred = try body.bool("preferred") { changed.isFavourite = preferred }
        if let encodeIP = try body.bool("encodeIp") { changed.encodeIP = encodeIP }
        if body.has("groupId") {
            let groupID = try body.int64("groupId")
            try await checkGroup(groupID, auth)
            if !auth.reachesWholeAccount, !(groupID.map { auth.allowsGroup($0) } ?? false) {
                throw ValidationError(field: "GroupId", code: "group_not_allowed", message: "this key may only move datapoints into its groups")
            }
            changed.groupID = groupID
        }
        if let link = try body.object("typeTL"), existing.type == .trackingLink {
            if let url = try link.string("url") { changed.destinationURL = url }
            if let redirect = try ClickMeterVocabulary.redirectType(link) { changed.redirectType = redirect }
            changed.options = try await linkOptions(from: link, existing: existing.options, auth: auth)
        }
        if let status = try body.enumeration("status", names: ClickMeterVocabulary.statusNames, numbers: ClickMeterVocabulary.statusNumbers),
            status != existing.status
        {
            guard status != .abuse else {
                throw ValidationError(field: "Status", code: "status_not_allowed", message: "only the server marks a datapoint as abuse")
            }
            _ = try await service.setStatus(id: existing.id, to: status)
            changed.status = status
        }
        return try await service.save(changed, previous: existing)
    }

    /// A datapoint may only be put in a live group of its own account.
    func checkGroup(_ groupID: Int64?, _ auth: APIAuth) async throws {
        guard let groupID else { return }
        guard let group = try await groups.find(id: groupID), group.accountID == auth.accountID, !group.isDeleted else {
            throw ValidationError(field: "GroupId", code: "group_unknown", message: "no group \(groupID) in this account")
        }
    }

    static func bounded(_ text: String, _ property: String, _ limit: Int) throws(ValidationError) -> String {
        guard text.count <= limit else {
            throw ValidationError(field: property, code: "too_long", message: "\(property) must be at most \(limit) characters")
        }
        return text
    }

    /// The storage layer's field names in ClickMeter's property spelling.
    static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw mappedError(error)
        }
    }

    static func mappedError(_ error: any Error) -> any Error {
        guard let error = error as? ValidationError else { return error }
        let property: String =
            switch error.field {
            case "destination": "TypeTL.Url"
            case "name": "Name"
            case "status": "Status"
            default: error.field
            }
        return ValidationError(field: property, code: error.code, message: error.message)
    }
}
