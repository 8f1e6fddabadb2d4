import Hummingbird
import TallyCore

/// Who is calling the API, as the key layer established it, and the one place that decides what the caller
/// reaches: key scopes, a key's group restriction and a guest's grants are all checked here.
public struct APIAuth: Sendable {
    public let key: APIKey
    public let clientIP: String
    public var accountID: Int64 { key.accountID }
    /// The grants of the guest the key belongs to; `nil` for the account's own keys.
    public var guest: GuestAccess?
    /// Whether the route being served changes things (its scope is a write scope): guests then need write grants.
    var writing = false

    /// The central scope check every route goes through (declared with the route, see `APIRoutes`).
    func require(_ scope: APIScope) throws(APIError) {
        guard key.scopes.allows(scope) else {
            throw APIError(status: .forbidden, code: "scope_missing", message: "this key lacks the scope \(scope)")
        }
    }

    /// Whether the caller may see (reading) or change (writing) a datapoint in `groupID`.
    func allows(_ datapoint: Datapoint) -> Bool {
        keyAllowsGroup(datapoint.groupID)
            && (guest?.allowsDatapoint(datapoint.id, groupID: datapoint.groupID, write: writing) ?? true)
    }

    /// Whether the caller may see the datapoint at all, so a write refused for lack of a write grant is a 403, not a 404.
    func canRead(_ datapoint: Datapoint) -> Bool {
        visibility.contains(datapoint)
    }

    /// The datapoints the caller may see, as storage filters lists by it: the key's groups and a guest's shares (of
    /// either verb). `canRead` applies the same value to one datapoint.
    var visibility: DatapointVisibility {
        DatapointVisibility(
            groups: key.groupIDs.isEmpty ? nil : Set(key.groupIDs),
            shares: guest.flatMap { guest in
                guest.allowAll
                    ? nil
                    : DatapointVisibility.Shares(
                        datapoints: Set(guest.grants.filter { $0.entityType == .datapoint }.map(\.entityID)),
                        groups: Set(guest.grants.filter { $0.entityType == .group }.map(\.entityID)))
            })
    }

    /// Whether the caller could change the datapoint (the wire's `writePermited`), whatever the current route.
    func canWrite(_ datapoint: Datapoint) -> Bool {
        key.scopes.allows(APIScope(.datapoints, .write)) && keyAllowsGroup(datapoint.groupID)
            && (guest?.allowsDatapoint(datapoint.id, groupID: datapoint.groupID, write: true) ?? true)
    }

    func canWriteGroup(_ groupID: Int64) -> Bool {
        key.scopes.allows(APIScope(.groups, .write)) && keyAllowsGroup(groupID) && (guest?.allowsGroup(groupID, write: true) ?? true)
    }

    /// Whether the caller may see (or, writing, change) a group.
    func allowsGroup(_ groupID: Int64?) -> Bool {
        keyAllowsGroup(groupID) && (guest.map { guest in groupID.map { guest.allowsGroup($0, write: writing) } ?? guest.allowAll } ?? true)
    }

    /// The groups the caller may see, as storage filters group lists by it (`canReadGroup` for one); `nil`: all.
    var readableGroups: Set<Int64>? {
        let keyGroups = key.groupIDs.isEmpty ? nil : Set(key.groupIDs)
        let shared = guest.flatMap { $0.allowAll ? nil : Set($0.grants.filter { $0.entityType == .group }.map(\.entityID)) }
        switch (keyGroups, shared) {
        case (nil, nil): return nil
        case (let one?, nil), (nil, let one?): return one
        case (let both?, let shared?): return both.intersection(shared)
        }
    }

    func canReadGroup(_ groupID: Int64) -> Bool {
        keyAllowsGroup(groupID) && (guest?.allowsGroup(groupID, write: false) ?? true)
    }

    /// Neither group-restricted nor a guest limited to what is shared: needed for account-wide changes
    /// (creating groups, retargeting scripts, renaming tags).
    var reachesWholeAccount: Bool {
        key.groupIDs.isEmpty && (guest?.allowAll ?? true)
    }

    /// What belongs to the whole account rather than to a group: its settings, guests and lists, its domains, its
    /// conversion goals. A key limited to some groups or a guest given some shares changes none of them, or it would
    /// change what every other link depends on, or grant a guest what it cannot see itself (found by AuthMatrixTests:
    /// a group-limited key renamed the account, deleted its domains and conversion goals).
    static let accountWide: Set<APIScope.Resource> = [.account, .domains, .conversions]

    func requireWholeAccount(_ action: String) throws(APIError) {
        guard reachesWholeAccount else {
            throw APIError(status: .forbidden, code: "group_restricted", message: "a key limited to some groups or shares cannot \(action)")
        }
    }

    /// The datapoint if the caller may use it on this route: 404 when they may not even see it, 403 when they
    /// may see it but not change it.
    func check(_ datapoint: Datapoint?) throws(APIError) -> Datapoint {
        guard let datapoint, datapoint.accountID == accountID, canRead(datapoint) else { throw APIError.notFound }
        guard allows(datapoint) else { throw APIError.readOnlyShare }
        return datapoint
    }

    private func keyAllowsGroup(_ groupID: Int64?) -> Bool {
        key.groupIDs.isEmpty || groupID.map(key.groupIDs.contains) ?? false
    }
}

extension APIError {
    static let readOnlyShare = APIError(
        status: .forbidden, code: "permission_read_only", message: "this was shared with the guest for reading only")
}
