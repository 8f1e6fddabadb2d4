import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// `/v2/tags…`: names shared by datapoints and groups of one account.
struct TagsController {
    let tags: TagService
    let datapoints: DatapointQueries
    let groups: GroupService

    struct TagWire: ResponseEncodable {
        let id: Int64
        let name: String
        let datapoints: [Int64]
        let groups: [Int64]

        init(_ tag: SQLTagRepository.Tag) {
            id = tag.id
            name = tag.name
            datapoints = tag.datapointIDs
            groups = tag.groupIDs
        }
    }

    func addRoutes(to api: APIRoutes) {
        api.on(.get, "tags", scope: APIScope(.tags, .read)) { request, _, auth in
            let query = WireQuery(request)
            let page = try await tags.page(accountID: auth.accountID, try await filter(query, auth), try query.window())
            if try query.bool("_expand") == true {
                var wires: [TagWire] = []
                for id in page {
                    if let tag = try await tags.owned(id, accountID: auth.accountID) { wires.append(TagWire(try await visible(tag, auth))) }
                }
                return ListWire(entities: wires).response
            }
            return ListWire(entities: page.map { EntityURI("tags", $0) }).response
        }
        api.on(.get, "tags/count", scope: APIScope(.tags, .read)) { request, _, auth in
            CountWire(count: try await tags.count(accountID: auth.accountID, try await filter(WireQuery(request), auth)))
        }
        api.on(.post, "tags", scope: APIScope(.tags, .write)) { request, context, auth in
            let body = try await WireBody.read(request, context)
            guard let name = try body.string("name") else { throw ValidationError(field: "Name", code: "name_required", message: "Name is required") }
            let tag = try await tags.findOrCreate(accountID: auth.accountID, name: name)
            for id in try Self.ids(body, "datapoints") {
                try await tags.set(tag, on: .datapoint(try await ownedDatapoint(id, auth)), attached: true)
            }
            for id in try Self.ids(body, "groups") {
                try await tags.set(tag, on: .group(try await ownedGroup(id, auth)), attached: true)
            }
            return EntityURI("tags", tag.id)
        }
        api.on(.get, "tags/:id", scope: APIScope(.tags, .read)) { _, context, auth in
            TagWire(try await visible(try await owned(context, auth), auth))
        }
        api.on(.delete, "tags/:id", scope: APIScope(.tags, .write)) { _, context, auth in
            let tag = try await owned(context, auth)
            try auth.requireWholeAccount("delete a tag")
            try await tags.delete(tag)
            return EntityURI("tags", tag.id)
        }
        api.on(.put, "tags/:id/name", scope: APIScope(.tags, .write)) { request, context, auth in
            let tag = try await owned(context, auth)
            try auth.requireWholeAccount("rename a tag")
            let body = try await WireBody.read(request, context)
            guard let text = try body.string("text") else { throw ValidationError(field: "Text", code: "text_required", message: "Text is required") }
            try await tags.rename(tag, to: text)
            return EntityURI("tags", tag.id)
        }
        for (collection, target) in [("datapoints", SQLTagRepository.Target.datapoint), ("groups", .group)] {
            // The tagged datapoints (groups) the key may see.
            @Sendable func members(_ tag: SQLTagRepository.Tag, _ auth: APIAuth) async throws -> [Int64] {
                let shown = try await visible(tag, auth)
                return target == .datapoint ? shown.datapointIDs : shown.groupIDs
            }
            api.on(.get, "tags/:id/\(collection)", scope: APIScope(.tags, .read)) { request, context, auth in
                let tag = try await owned(context, auth)
                let window = try WireQuery(request).window()
                // A tag's datapoints are paged in SQL (a tag may be on a hundred thousand); its groups are few.
                let ids = target == .datapoint ? try await datapoints.ids(tagged(tag, auth), window) : Array(try await members(tag, auth))
                let page = target == .datapoint ? ids : Array(ids.dropFirst(window.offset).prefix(window.limit))
                return ListWire(entities: page.map { EntityURI(collection, $0) }).response
            }
            api.on(.get, "tags/:id/\(collection)/count", scope: APIScope(.tags, .read)) { _, context, auth in
                let tag = try await owned(context, auth)
                if target == .datapoint { return CountWire(count: try await datapoints.count(tagged(tag, auth))) }
                return CountWire(count: try await members(tag, auth).count)
            }
            api.on(.delete, "tags/:id/\(collection)", scope: APIScope(.tags, .write)) { _, context, auth in
                let tag = try await owned(context, auth)
                try auth.requireWholeAccount("detach a tag everywhere")
                try await tags.detachAll(tag, target)
                return EntityURI("tags", tag.id)
            }
        }
        for (path, target) in [("tags/:id/datapoints/patch", SQLTagRepository.Target.datapoint), ("tags/:id/groups/patch", .group)] {
            api.on(.put, path, scope: APIScope(.tags, .write)) { request, context, auth in
                let tag = try await owned(context, auth)
                let body = try await WireBody.read(request, context)
                let attach = try body.enumeration("action", names: ["add": true, "remove": false], numbers: [:])
                guard let attach else { throw ValidationError(field: "Action", code: "action_required", message: "Action must be add or remove") }
                guard let id = try body.int64("id") else { throw ValidationError(field: "Id", code: "id_required", message: "Id is required") }
                let carrier: TagService.Carrier =
                    target == .datapoint ? .datapoint(try await ownedDatapoint(id, auth)) : .group(try await ownedGroup(id, auth))
                try await tags.set(tag, on: carrier, attached: attach)
                // The running API answered with the datapoint or group it patched, not the tag.
                return EntityURI(target == .datapoint ? "datapoints" : "groups", id)
            }
        }
    }

    func owned(_ context: TallyRequestContext, _ auth: APIAuth) async throws -> SQLTagRepository.Tag {
        guard let id = context.parameters.get("id", as: Int64.self), let tag = try await tags.owned(id, accountID: auth.accountID) else {
            throw APIError.notFound
        }
        return tag
    }

    /// The datapoints carrying the tag that the caller may see, by id.
    func tagged(_ tag: SQLTagRepository.Tag, _ auth: APIAuth) -> DatapointQuery {
        var query = DatapointQuery(accountID: auth.accountID, visibility: auth.visibility)
        query.tagID = tag.id
        return query
    }

    /// The tag as the caller may see it: only the datapoints and groups it can read (`APIAuth.canRead`,
    /// `canReadGroup`), so a tag never lists an id that was not shared with a guest or a group-limited key.
    func visible(_ tag: SQLTagRepository.Tag, _ auth: APIAuth) async throws -> SQLTagRepository.Tag {
        guard !auth.reachesWholeAccount else { return tag }
        var shown = tag
        shown.datapointIDs = try await datapoints.find(ids: tag.datapointIDs).filter { $0.accountID == auth.accountID && auth.canRead($0) }
            .map(\.id).sorted()
        shown.groupIDs = tag.groupIDs.filter { auth.canReadGroup($0) }
        return shown
    }

    /// The datapoint `id` of the account, if the key may change it.
    private func ownedDatapoint(_ id: Int64, _ auth: APIAuth) async throws -> Datapoint {
        guard let datapoint = try await datapoints.find(id: id), datapoint.accountID == auth.accountID, auth.allows(datapoint) else {
            throw ValidationError(field: "Id", code: "datapoint_unknown", message: "no datapoint \(id) in this account")
        }
        return datapoint
    }

    /// The group `id` of the account, if the key may change it.
    private func ownedGroup(_ id: Int64, _ auth: APIAuth) async throws -> LinkGroup {
        guard let group = try await groups.owned(id, accountID: auth.accountID), auth.allowsGroup(id) else {
            throw ValidationError(field: "Id", code: "group_unknown", message: "no group \(id) in this account")
        }
        return group
    }

    /// `name` (with `*` wildcards), `datapoints` and `groups` (comma-separated ids), in SQL. For a limited caller the
    /// ids are first narrowed to what it may see, so a filter cannot tell which tags an unshared link carries.
    private func filter(_ query: WireQuery, _ auth: APIAuth) async throws -> SQLTagRepository.Filter {
        var filter = SQLTagRepository.Filter(name: query.string("name")?.replacingOccurrences(of: "*", with: ""))
        if let csv = query.string("datapoints") {
            var ids = try Self.csvIDs(csv, "datapoints")
            if !auth.reachesWholeAccount {
                ids = Set(try await datapoints.find(ids: Array(ids)).filter { $0.accountID == auth.accountID && auth.canRead($0) }.map(\.id))
            }
            filter.datapoints = ids
        }
        if let csv = query.string("groups") {
            filter.groups = try Self.csvIDs(csv, "groups").filter { auth.reachesWholeAccount || auth.canReadGroup($0) }
        }
        return filter
    }

    static func csvIDs(_ csv: String, _ name: String) throws(ValidationError) -> Set<Int64> {
        var ids: Set<Int64> = []
        for part in csv.split(separator: ",") {
            guard let id = Int64(part.trimmingCharacters(in: .whitespaces)) else { throw WireQuery.invalid(name, "a comma-separated list of ids") }
            ids.insert(id)
        }
        return ids
    }

    static func ids(_ body: WireObject, _ name: String) throws(ValidationError) -> [Int64] {
        guard body.has(name) else { return [] }
        guard let values = body.rawArray(name) else { throw WireObject.wrongType(name, "an array of ids") }
        var ids: [Int64] = []
        for value in values {
            let id: Int64? =
                switch value {
                case .number(let literal): WireObject.integer(literal)
                case .string(let text): Int64(text)
                default: nil
                }
            guard let id else { throw WireObject.wrongType(name, "an array of ids") }
            ids.append(id)
        }
        return ids
    }
}
