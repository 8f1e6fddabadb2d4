import Hummingbird
import TallyCore

/// Who is calling the API, as the key layer established it.
public struct APIAuth: Sendable {
    public let key: APIKey
    public let clientIP: String
    public var accountID: Int64 { key.accountID }

    /// The central scope check every route goes through (declared with the route, see `APIRoutes`).
    func require(_ scope: APIScope) throws(APIError) {
        guard key.scopes.allows(scope) else {
            throw APIError(status: .forbidden, code: "scope_missing", message: "this key lacks the scope \(scope)")
        }
    }

    /// Whether a group-restricted key may see a datapoint or group in `groupID`.
    func allowsGroup(_ groupID: Int64?) -> Bool {
        key.groupIDs.isEmpty || groupID.map(key.groupIDs.contains) ?? false
    }
}
