/// What an API key may do: a resource and an access level (`datapoints:read`). Write implies read.
public struct APIScope: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Resource: String, CaseIterable, Sendable, Comparable {
        case datapoints, groups, tags, domains, conversions, stats, account, keys

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public enum Access: String, CaseIterable, Sendable, Comparable {
        case read, write

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs == .read && rhs == .write }
    }

    public let resource: Resource
    public let access: Access

    public init(_ resource: Resource, _ access: Access) {
        self.resource = resource
        self.access = access
    }

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let resource = Resource(rawValue: String(parts[0]).lowercased()),
            let access = Access(rawValue: String(parts[1]).lowercased())
        else { return nil }
        self.init(resource, access)
    }

    public var description: String { "\(resource.rawValue):\(access.rawValue)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.resource, lhs.access) < (rhs.resource, rhs.access) }
}

/// The scopes of a key, with the presets the dashboard and CLI offer.
public struct APIScopeSet: Hashable, Sendable, CustomStringConvertible {
    public private(set) var scopes: Set<APIScope>

    public init(_ scopes: some Sequence<APIScope>) {
        self.scopes = Set(scopes)
    }

    /// Every resource readable; keys included, so a monitoring script can watch its own key's usage.
    public static let readOnly = APIScopeSet(APIScope.Resource.allCases.map { APIScope($0, .read) })
    /// Everything but managing keys.
    public static let readWrite = APIScopeSet(
        APIScope.Resource.allCases.flatMap { resource in
            resource == .keys ? [APIScope(.keys, .read)] : [APIScope(resource, .read), APIScope(resource, .write)]
        })
    /// Everything.
    public static let admin = APIScopeSet(APIScope.Resource.allCases.flatMap { [APIScope($0, .read), APIScope($0, .write)] })

    public static let presets: [(name: String, scopes: APIScopeSet)] = [("read-only", readOnly), ("read-write", readWrite), ("admin", admin)]

    /// A preset name, or a comma-separated list of `resource:access`.
    public static func parse(_ text: String) throws(ValidationError) -> APIScopeSet {
        let trimmed = text.trimmingSpaces
        if let preset = presets.first(where: { $0.name == trimmed.lowercased() }) { return preset.scopes }
        var scopes: Set<APIScope> = []
        for item in trimmed.split(separator: ",") {
            let item = String(item).trimmingSpaces
            guard let scope = APIScope(item) else {
                throw ValidationError(
                    field: "scopes", code: "scope_unknown",
                    message: "unknown scope '\(item)': use read-only, read-write, admin or resource:access with resource one of "
                        + APIScope.Resource.allCases.map(\.rawValue).joined(separator: ", ") + " and access read or write")
            }
            scopes.insert(scope)
        }
        guard !scopes.isEmpty else { throw ValidationError(field: "scopes", code: "scopes_empty", message: "a key needs at least one scope") }
        return APIScopeSet(scopes)
    }

    /// Whether the key may do `scope`; write implies read.
    public func allows(_ scope: APIScope) -> Bool {
        scopes.contains(scope) || (scope.access == .read && scopes.contains(APIScope(scope.resource, .write)))
    }

    /// Whether every scope of `other` is allowed by this set: a key can only create keys with no more power than its own.
    public func covers(_ other: APIScopeSet) -> Bool {
        other.scopes.allSatisfy(allows)
    }

    /// Stored and shown as the sorted comma-separated list.
    public var description: String { scopes.sorted().map(\.description).joined(separator: ",") }
}

extension String {
    public var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
