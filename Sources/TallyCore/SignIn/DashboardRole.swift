/// What a dashboard user may do in their account. Least privilege for people as for keys: a member can run links
/// but cannot make a key that manages keys or change the account; a read-only user changes nothing.
public enum DashboardRole: String, Sendable, CaseIterable, Comparable {
    case readOnly = "read-only"
    case member
    case admin
    case owner

    /// What a page or form needs.
    public enum Permission: Sendable {
        /// Reading pages, and one's own password and two-factor.
        case view
        /// Links, pixels, campaigns, tags, conversion goals.
        case editLinks
        /// Creating, rotating and revoking keys (within `keyBounds`), acknowledging alerts.
        case manageKeys
        /// Time zone, IP and domain lists, the alert webhook, guests.
        case manageSettings
        /// Adding users (only of a role no higher than one's own).
        case manageUsers
    }

    public func allows(_ permission: Permission) -> Bool {
        switch permission {
        case .view: true
        case .editLinks, .manageKeys: self >= .member
        case .manageSettings, .manageUsers: self >= .admin
        }
    }

    /// The bounds of the keys this role may create and manage (`nil`: any key of the account). A member's keys can
    /// do everything but manage keys, so a member cannot mint a key more powerful than themselves.
    public var keyBounds: KeyBounds? {
        switch self {
        case .owner, .admin: nil
        case .member, .readOnly: KeyBounds(scopes: .readWrite, ratePerSecond: 10_000, burst: 100_000)
        }
    }

    /// Whether a user of this role may add a user of `role`.
    public func mayGrant(_ role: DashboardRole) -> Bool {
        allows(.manageUsers) && role <= self
    }

    public var label: String {
        switch self {
        case .owner: "Owner"
        case .admin: "Admin"
        case .member: "Member"
        case .readOnly: "Read-only"
        }
    }

    static let order: [DashboardRole] = [.readOnly, .member, .admin, .owner]

    public static func < (lhs: Self, rhs: Self) -> Bool {
        order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}
