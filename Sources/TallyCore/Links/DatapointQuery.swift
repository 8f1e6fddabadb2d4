/// Which of an account's datapoints a caller may see: the one rule, which storage turns into SQL and `contains`
/// applies to a datapoint already loaded (so a list and a lookup can never disagree).
public struct DatapointVisibility: Sendable, Hashable {
    /// A key limited to some groups sees only their datapoints (never ungrouped ones); `nil`: any group or none.
    public var groups: Set<Int64>?
    /// A guest sees only what was shared with it: these datapoints, and every datapoint of these groups; `nil`: all.
    public var shares: Shares?

    public struct Shares: Sendable, Hashable {
        public var datapoints: Set<Int64>
        public var groups: Set<Int64>

        public init(datapoints: Set<Int64>, groups: Set<Int64>) {
            self.datapoints = datapoints
            self.groups = groups
        }
    }

    public init(groups: Set<Int64>? = nil, shares: Shares? = nil) {
        self.groups = groups
        self.shares = shares
    }

    public static let everything = DatapointVisibility()

    public var isEverything: Bool { groups == nil && shares == nil }

    public func contains(_ datapoint: Datapoint) -> Bool {
        if let groups, !(datapoint.groupID.map(groups.contains) ?? false) { return false }
        if let shares {
            return shares.datapoints.contains(datapoint.id) || (datapoint.groupID.map(shares.groups.contains) ?? false)
        }
        return true
    }
}

/// A filter and an order over one account's datapoints, shared by the API's lists, counts and statistics and the
/// dashboard's links page; storage answers it in SQL (`SQLDatapointRepository.page`, `count`).
public struct DatapointQuery: Sendable, Hashable {
    public enum Sort: String, Sendable, CaseIterable {
        case id, name, title, created
    }

    /// The datapoints of one conversion goal or one retargeting script.
    public enum Link: Sendable, Hashable {
        case conversion(Int64)
        case script(Int64)
    }

    public var accountID: Int64
    public var visibility: DatapointVisibility
    public var statuses: Set<DatapointStatus>
    public var type: DatapointType?
    public var groupID: Int64?
    /// Only datapoints in one of these groups.
    public var groupIDs: Set<Int64>?
    public var linkedTo: Link?
    /// Tag names, compared without case; a datapoint with any of them matches.
    public var tagNames: Set<String>?
    public var tagID: Int64?
    public var favouritesOnly: Bool
    /// Creation time in milliseconds, both ends included.
    public var createdFrom: Int64?
    public var createdTo: Int64?
    /// A substring of the name, title, notes or destination, without case.
    public var text: String?
    public var sort: Sort
    public var descending: Bool

    public init(
        accountID: Int64, visibility: DatapointVisibility = .everything, statuses: Set<DatapointStatus> = Set(DatapointStatus.allCases),
        sort: Sort = .id, descending: Bool = false
    ) {
        self.accountID = accountID
        self.visibility = visibility
        self.statuses = statuses
        self.type = nil
        self.groupID = nil
        self.groupIDs = nil
        self.linkedTo = nil
        self.tagNames = nil
        self.tagID = nil
        self.favouritesOnly = false
        self.createdFrom = nil
        self.createdTo = nil
        self.text = nil
        self.sort = sort
        self.descending = descending
    }

    /// The same query without one status.
    public func without(_ status: DatapointStatus) -> DatapointQuery {
        var copy = self
        copy.statuses.remove(status)
        return copy
    }

    /// Whether the query picks every datapoint the account has, so its totals are the account's own roll-up.
    public var isWholeAccount: Bool {
        visibility.isEverything && statuses.count == DatapointStatus.allCases.count && type == nil && groupID == nil && groupIDs == nil
            && linkedTo == nil && tagNames == nil && tagID == nil && !favouritesOnly && createdFrom == nil && createdTo == nil
            && (text ?? "").isEmpty
    }

    /// The type, when the query picks every datapoint of the account of one type (its totals are the account's
    /// per-type roll-up); `nil` otherwise.
    public var wholeAccountType: DatapointType? {
        guard let type else { return nil }
        var others = self
        others.type = nil
        return others.isWholeAccount ? type : nil
    }

    /// The groups, when the query picks every datapoint of some groups (whatever its status or type) and nothing
    /// else: its sums are those groups' own roll-ups (`StatsEntity.group`); `nil` otherwise. A key limited to groups
    /// sees whole groups, so its limit narrows the set; a guest's shares may name single links, so they never qualify.
    public var wholeGroups: Set<Int64>? {
        var groups: Set<Int64>
        switch (groupID, groupIDs) {
        case (let one?, let many?): groups = many.contains(one) ? [one] : []
        case (let one?, nil): groups = [one]
        case (nil, let many?): groups = many
        case (nil, nil): return nil
        }
        if let limit = visibility.groups { groups.formIntersection(limit) }
        var others = self
        others.groupID = nil
        others.groupIDs = nil
        others.visibility.groups = nil
        return others.isWholeAccount ? groups : nil
    }

    /// Whether the query picks few datapoints whatever the account holds (one group, a goal's or a script's links, a
    /// tag's, a guest's shares): statistics then start from those datapoints rather than from the frame's roll-ups.
    public var isNarrow: Bool {
        groupID != nil || linkedTo != nil || tagID != nil || visibility.shares != nil || (groupIDs.map { $0.count <= 20 } ?? false)
    }

    /// Whether only status, type, group and the key's groups narrow the query: then the counters kept per account,
    /// group, status and type answer its count without reading datapoints.
    public var isCountedByCounters: Bool {
        visibility.shares == nil && groupIDs == nil && linkedTo == nil && tagNames == nil && tagID == nil && !favouritesOnly
            && createdFrom == nil && createdTo == nil && (text ?? "").isEmpty
    }
}

/// Where a page starts and how long it is: ClickMeter's `offset` and `limit`.
public struct PageWindow: Sendable, Equatable, Hashable {
    public var offset: Int
    public var limit: Int

    public init(offset: Int, limit: Int) {
        self.offset = offset
        self.limit = limit
    }
}
