/// A filter over one account's groups or conversion goals (ClickMeter's `status`, `textSearch`, `createdAfter`,
/// `createdBefore`), answered in SQL and paged there by id.
public struct NamedListQuery: Sendable, Equatable {
    public enum Deletion: String, Sendable, CaseIterable {
        case active, deleted, all
    }

    public var accountID: Int64
    public var deletion: Deletion
    /// Only these ids (the groups a limited key or a guest may see); `nil`: all of the account's.
    public var ids: Set<Int64>?
    /// A substring of the name or the notes (groups) or description (conversions), without case.
    public var text: String?
    public var createdFrom: Int64?
    public var createdTo: Int64?
    public var favouritesOnly: Bool

    public init(accountID: Int64, deletion: Deletion = .active, ids: Set<Int64>? = nil) {
        self.accountID = accountID
        self.deletion = deletion
        self.ids = ids
        self.text = nil
        self.createdFrom = nil
        self.createdTo = nil
        self.favouritesOnly = false
    }
}
