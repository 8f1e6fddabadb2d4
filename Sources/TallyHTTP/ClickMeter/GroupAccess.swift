import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// The groups a key may see, as the ClickMeter routes read them: one by its path id, or those a list's query
/// parameters pick. Shared by the group and statistics routes, so who may see a group is decided here only.
struct GroupAccess: Sendable {
    let groups: GroupService

    /// The group named by the path, if the key may see it; 404 otherwise.
    func owned(_ context: TallyRequestContext, _ auth: APIAuth) async throws -> LinkGroup {
        guard let id = context.parameters.get("id", as: Int64.self), let group = try await groups.owned(id, accountID: auth.accountID),
            auth.canReadGroup(group.id)
        else { throw APIError.notFound }
        guard auth.allowsGroup(group.id) else { throw APIError.readOnlyShare }
        return group
    }

    /// `status=active|deleted|all` (default active), `textSearch`, `createdAfter`/`createdBefore`; only the groups the
    /// caller may see.
    func listQuery(_ query: WireQuery, _ auth: APIAuth) throws -> NamedListQuery {
        try Self.namedListQuery(query, accountID: auth.accountID, ids: auth.readableGroups)
    }

    /// The parameters that group and goal lists share, read once for both.
    static func namedListQuery(_ query: WireQuery, accountID: Int64, ids: Set<Int64>? = nil) throws -> NamedListQuery {
        var chosen = NamedListQuery(accountID: accountID, deletion: try deletion(query), ids: ids)
        chosen.text = query.string("textSearch")?.replacingOccurrences(of: "*", with: "")
        chosen.createdFrom = try query.date("createdAfter")
        chosen.createdTo = try query.date("createdBefore")
        return chosen
    }

    static func deletion(_ query: WireQuery) throws(ValidationError) -> NamedListQuery.Deletion {
        guard let deletion = NamedListQuery.Deletion(rawValue: query.string("status")?.lowercased() ?? "active") else {
            throw WireQuery.invalid("status", "one of active, deleted, all")
        }
        return deletion
    }
}
