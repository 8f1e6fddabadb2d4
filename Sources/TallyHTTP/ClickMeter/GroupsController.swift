import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// `/v2/groups…`: campaigns, and the datapoints in them.
struct GroupsController {
    let groups: GroupService
    let access: GroupAccess
    let datapoints: DatapointAccess
    let editor: DatapointEditor
    let guests: GuestService

    struct GroupWire: ResponseEncodable {
        let id: Int64
        let name: String
        let notes: String
        let preferred: Bool
        let deleted: Bool
        let creationDate: String
        let isPublic: Bool
        let redirectOnly: Bool
        let writePermited: Bool
        let tags: [DatapointWire.TagWire]

        init(_ group: LinkGroup, writable: Bool = true) {
            id = group.id
            name = group.name
            notes = group.notes
            preferred = group.isFavourite
            deleted = group.isDeleted
            creationDate = ClickMeterDate.format(group.createdAt)
            isPublic = false
            redirectOnly = false
            writePermited = writable
            tags = []
        }
    }

    func addRoutes(to api: APIRoutes) {
        api.on(.get, "groups", scope: APIScope(.groups, .read)) { request, _, auth in
            let query = WireQuery(request)
            let page = try await groups.page(try access.listQuery(query, auth), try query.window())
            if try query.bool("_expand") == true {
                return ListWire(entities: page.map { GroupWire($0, writable: auth.canWriteGroup($0.id)) }).response
            }
            return ListWire(entities: page.map { EntityURI("groups", $0.id) }).response
        }
        api.on(.get, "groups/count", scope: APIScope(.groups, .read)) { request, _, auth in
            CountWire(count: try await groups.count(try access.listQuery(WireQuery(request), auth)))
        }
        api.on(.post, "groups", scope: APIScope(.groups, .write)) { request, context, auth in
            guard auth.reachesWholeAccount || auth.key.groupIDs.isEmpty && auth.guest?.allowGroupCreation == true else {
                throw APIError(status: .forbidden, code: "group_restricted", message: "this key cannot create groups")
            }
            let body = try await WireBody.read(request, context)
            guard let name = try body.string("name") else { throw ValidationError(field: "Name", code: "name_required", message: "Name is required") }
            let group = try await groups.create(
                accountID: auth.accountID, name: name, notes: try WireText.bounded(try body.string("notes") ?? "", "Notes", 10_000),
                isFavourite: try body.bool("preferred") ?? false)
            if let guest = auth.guest, !guest.allowAll {
                // A guest allowed to create groups may write the groups they create.
                try await guests.setGrant(
                    GuestGrant(entityType: .group, entityID: group.id, verb: .write), guestID: guest.guestID, accountID: auth.accountID, remove: false
                )
            }
            return EntityURI("groups", group.id)
        }
        api.on(.get, "groups/:id", scope: APIScope(.groups, .read)) { _, context, auth in
            let group = try await access.owned(context, auth)
            return GroupWire(group, writable: auth.canWriteGroup(group.id))
        }
        api.on(.post, "groups/:id", scope: APIScope(.groups, .write)) { request, context, auth in
            var group = try await access.owned(context, auth)
            let body = try await WireBody.read(request, context)
            if let name = try body.string("name") { group.name = name }
            if let notes = try body.string("notes") { group.notes = try WireText.bounded(notes, "Notes", 10_000) }
            if let preferred = try body.bool("preferred") { group.isFavourite = preferred }
            return EntityURI("groups", try await groups.save(group).id)
        }
        api.on(.delete, "groups/:id", scope: APIScope(.groups, .write)) { _, context, auth in
            var group = try await access.owned(context, auth)
            group.isDeleted = true
            return EntityURI("groups", try await groups.save(group).id)
        }
        api.on(.put, "groups/:id/favourite", scope: APIScope(.groups, .write)) { _, context, auth in
            var group = try await access.owned(context, auth)
            group.isFavourite.toggle()
            return EntityURI("groups", try await groups.save(group).id)
        }
        api.on(.put, "groups/:id/notes", scope: APIScope(.groups, .write)) { request, context, auth in
            var group = try await access.owned(context, auth)
            group.notes = try await WireBody.notes(request, context)
            return EntityURI("groups", try await groups.save(group).id)
        }
        api.on(.get, "groups/:id/datapoints", scope: APIScope(.datapoints, .read)) { request, context, auth in
            try await datapoints.listResponse(WireQuery(request), auth, groupID: try await access.owned(context, auth).id)
        }
        api.on(.get, "groups/:id/datapoints/count", scope: APIScope(.datapoints, .read)) { request, context, auth in
            let group = try await access.owned(context, auth)
            return try await datapoints.count(WireQuery(request), auth, groupID: group.id)
        }
        api.on(.post, "groups/:id/datapoints", scope: APIScope(.datapoints, .write)) { request, context, auth in
            let group = try await access.owned(context, auth)
            let body = try await WireBody.read(request, context)
            let created = try await DatapointEditor.mapped { try await editor.create(body, auth, inGroup: group.id) }
            return EntityURI("datapoints", created.id)
        }
    }
}
