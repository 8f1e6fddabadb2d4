import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// `/v2/retargeting…`: scripts a tracking link fires on an intermediate page before redirecting.
struct RetargetingController {
    let repository: SQLRetargetingRepository
    let datapoints: DatapointAccess
    let service: DatapointService
    let lists: ListMirror
    let clock: WallClock

    struct ScriptWire: ResponseEncodable {
        let id: Int64
        let name: String
        let script: String

        init(_ script: RetargetingScript) {
            id = script.id
            name = script.name
            self.script = script.script
        }
    }

    func addRoutes(to api: APIRoutes) {
        api.on(.get, "retargeting", scope: APIScope(.datapoints, .read)) { request, _, auth in
            let query = WireQuery(request)
            let page = try query.page(try await repository.list(accountID: auth.accountID))
            if try query.bool("_expand") == true { return ListWire(entities: page.map(ScriptWire.init)).response }
            return ListWire(entities: page.map { EntityURI("retargeting", $0.id) }).response
        }
        api.on(.get, "retargeting/count", scope: APIScope(.datapoints, .read)) { _, _, auth in
            CountWire(count: try await repository.list(accountID: auth.accountID).count)
        }
        api.on(.post, "retargeting", scope: APIScope(.datapoints, .write)) { request, context, auth in
            try requireWholeAccount(auth)
            let body = try await WireBody.read(request, context)
            let created = try await repository.create(
                accountID: auth.accountID, name: try body.string("name") ?? "", script: try body.string("script") ?? "", now: clock.now())
            try await lists.refresh()
            return EntityURI("retargeting", created.id)
        }
        api.on(.get, "retargeting/:id", scope: APIScope(.datapoints, .read)) { _, context, auth in
            ScriptWire(try await owned(context, auth))
        }
        api.on(.post, "retargeting/:id", scope: APIScope(.datapoints, .write)) { request, context, auth in
            try requireWholeAccount(auth)
            var script = try await owned(context, auth)
            let body = try await WireBody.read(request, context)
            if let name = try body.string("name") { script.name = name }
            if let text = try body.string("script") { script.script = text }
            let saved = try await repository.save(script, now: clock.now())
            try await lists.refresh()
            return EntityURI("retargeting", saved.id)
        }
        api.on(.delete, "retargeting/:id", scope: APIScope(.datapoints, .write)) { _, context, auth in
            try requireWholeAccount(auth)
            let script = try await owned(context, auth)
            let linked = try await repository.datapointIDs(scriptID: script.id)
            try await repository.delete(id: script.id, now: clock.now())
            try await lists.refresh()
            try await service.forgetCached(ids: linked)
            return EntityURI("retargeting", script.id)
        }
        api.on(.get, "retargeting/:id/datapoints", scope: APIScope(.datapoints, .read)) { request, context, auth in
            let script = try await owned(context, auth)
            return try await datapoints.listResponse(WireQuery(request), auth, linkedTo: .script(script.id))
        }
        api.on(.get, "retargeting/:id/datapoints/count", scope: APIScope(.datapoints, .read)) { request, context, auth in
            let script = try await owned(context, auth)
            return try await datapoints.count(WireQuery(request), auth, linkedTo: .script(script.id))
        }
    }

    /// Scripts run on the account's tracking domains for every link that uses them: only a key that reaches the
    /// whole account may write them.
    func requireWholeAccount(_ auth: APIAuth) throws {
        guard auth.reachesWholeAccount else {
            throw APIError(
                status: .forbidden, code: "group_restricted", message: "a key limited to some groups or shares cannot change retargeting scripts")
        }
    }

    func owned(_ context: TallyRequestContext, _ auth: APIAuth) async throws -> RetargetingScript {
        guard let id = context.parameters.get("id", as: Int64.self), let script = try await repository.find(id: id),
            script.accountID == auth.accountID
        else { throw APIError.notFound }
        return script
    }
}
