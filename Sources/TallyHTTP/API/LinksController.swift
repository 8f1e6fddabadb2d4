import Hummingbird
import TallyCore
import TallyStorage

/// `GET /v2/links`: the account's tracking links (the seed's example request), in ClickMeter's list shape.
/// The full datapoints API comes with the ClickMeter API issue; this route is here so the key layer guards a
/// real resource from the start.
struct LinksController {
    let repository: SQLDatapointRepository
    let publicURL: String

    struct LinkJSON: ResponseEncodable {
        let id: Int64
        let uri: String
        let name: String
        let trackingCode: String
        let destinationURL: String?
        let status: String
    }

    func json(_ link: Datapoint) -> LinkJSON {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        return LinkJSON(
            id: link.id, uri: "/datapoints/\(link.id)", name: link.name, trackingCode: "\(base)/\(link.name)",
            destinationURL: link.destinationURL, status: link.status == .active ? "active" : "paused")
    }

    func addRoutes(to api: APIRoutes) {
        // Another account's link, or one outside a restricted key's groups, does not exist as far as the caller knows.
        api.on(.get, "links/:id", scope: APIScope(.datapoints, .read)) { _, context, auth in
            guard let id = context.parameters.get("id", as: Int64.self), let link = try await repository.find(id: id),
                link.accountID == auth.accountID, link.type == .trackingLink, link.status != .deleted, auth.allowsGroup(link.groupID)
            else { throw APIError.notFound }
            return json(link)
        }
        api.on(.get, "links", scope: APIScope(.datapoints, .read)) { request, _, auth in
            let query = request.uri.queryParameters
            let offset = max(query["offset"].flatMap { Int($0) } ?? 0, 0)
            let limit = min(max(query["limit"].flatMap { Int($0) } ?? 20, 1), 1000)
            let links = try await repository.list(accountID: auth.accountID, statuses: [.active, .paused])
                .filter { $0.type == .trackingLink && auth.allowsGroup($0.groupID) }
            return Entities(entities: links.dropFirst(offset).prefix(limit).map(json))
        }
    }
}
