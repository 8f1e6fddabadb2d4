import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// The datapoints a key may see, as the ClickMeter routes read them: one found by its path id (404 whatever the
/// reason it may not be seen), a list's query parameters turned into a `DatapointQuery`, pages and counts of it, and
/// datapoints in their wire shape. The datapoint, group, conversion, retargeting and statistics controllers share this
/// one value instead of reaching into each other, so object-level access to datapoints is decided here and nowhere else.
struct DatapointAccess: Sendable {
    let queries: DatapointQueries
    let groups: GroupService
    let tags: TagService
    let conversions: ConversionService
    let domains: DomainDirectory
    let extras: LinkExtras
    let publicURL: String

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
        return try auth.check(try await queries.find(id: id))
    }

    /// A page of the datapoints `query` picks, as `{id, uri}` or (`_expand=true`) full datapoints.
    func listResponse(
        _ wire: WireQuery, _ auth: APIAuth, type: DatapointType? = nil, groupID: Int64? = nil, linkedTo: DatapointQuery.Link? = nil
    ) async throws -> Response {
        let chosen = try query(wire, auth, type: type, groupID: groupID, linkedTo: linkedTo)
        let page = try await queries.page(chosen, try wire.window())
        if try wire.bool("_expand") == true { return ListWire(entities: try await wires(page, auth)).response }
        return ListWire(entities: page.map { EntityURI("datapoints", $0.id) }).response
    }

    /// How many datapoints `query` picks.
    func count(
        _ wire: WireQuery, _ auth: APIAuth, groupID: Int64? = nil, linkedTo: DatapointQuery.Link? = nil
    ) async throws -> CountWire {
        CountWire(count: try await queries.count(try query(wire, auth, groupID: groupID, linkedTo: linkedTo)))
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

}
