import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// `/v2/datapoints…`, ClickMeter's tracking links and pixels: every query is limited to
/// the key's account (and groups, for a group-restricted key); another account's id is simply not found.
struct DatapointsController {
    let service: DatapointService
    let access: DatapointAccess
    let editor: DatapointEditor

    func addRoutes(to api: APIRoutes) {
        api.on(.get, "datapoints", scope: APIScope(.datapoints, .read)) { request, _, auth in
            try await access.listResponse(WireQuery(request), auth)
        }
        api.on(.get, "datapoints/count", scope: APIScope(.datapoints, .read)) { request, _, auth in
            try await access.count(WireQuery(request), auth)
        }
        api.on(.get, "datapoints/:id", scope: APIScope(.datapoints, .read)) { _, context, auth in
            try await access.wires([try await access.owned(context, auth)], auth)[0]
        }
        for method in [HTTPRequest.Method.post, .put] {
            api.on(method, "datapoints", scope: APIScope(.datapoints, .write)) { request, context, auth in
                let body = try await WireBody.read(request, context)
                let created = try await DatapointEditor.mapped { try await editor.create(body, auth) }
                return EntityURI("datapoints", created.id)
            }
        }
        api.on(.post, "datapoints/:id", scope: APIScope(.datapoints, .write)) { request, context, auth in
            let existing = try await access.owned(context, auth)
            let body = try await WireBody.read(request, context)
            let updated = try await DatapointEditor.mapped { try await editor.update(existing, with: body, auth) }
            return EntityURI("datapoints", updated.id)
        }
        api.on(.delete, "datapoints/:id", scope: APIScope(.datapoints, .write)) { _, context, auth in
            let existing = try await access.owned(context, auth)
            _ = try await service.setStatus(id: existing.id, to: .deleted)
            return EntityURI("datapoints", existing.id)
        }
        api.on(.put, "datapoints/:id/favourite", scope: APIScope(.datapoints, .write)) { _, context, auth in
            var existing = try await access.owned(context, auth)
            let previous = existing
            existing.isFavourite.toggle()
            return EntityURI("datapoints", try await service.save(existing, previous: previous).id)
        }
        api.on(.put, "datapoints/:id/notes", scope: APIScope(.datapoints, .write)) { request, context, auth in
            var existing = try await access.owned(context, auth)
            let previous = existing
            existing.notes = try await WireBody.notes(request, context)
            return EntityURI("datapoints", try await service.save(existing, previous: previous).id)
        }
    }

    /// `GET /v2/links` and `/v2/links/{id}`: the seed's alias for the account's tracking links, the same as
    /// `/v2/datapoints?type=tl` (same filters, shapes and authorization).
    func addLinkAliases(to api: APIRoutes) {
        api.on(.get, "links", scope: APIScope(.datapoints, .read)) { request, _, auth in
            try await access.listResponse(WireQuery(request), auth, type: .trackingLink)
        }
        api.on(.get, "links/:id", scope: APIScope(.datapoints, .read)) { _, context, auth in
            let datapoint = try await access.owned(context, auth)
            guard datapoint.type == .trackingLink else { throw APIError.notFound }
            return try await access.wires([datapoint], auth)[0]
        }
    }

}
