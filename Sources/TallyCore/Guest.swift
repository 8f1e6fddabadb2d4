import Foundation

/// Someone outside the account who may see (or change) only the datapoints and groups shared with them
/// (ClickMeter's `Accounting.Guest`). A guest reaches the API with keys of their own, bounded by their grants.
public struct Guest: Sendable, Equatable {
    public var id: Int64
    public var accountID: Int64
    public var name: String
    public var email: String
    public var userName: String
    public var notes: String
    /// Sees and changes everything in the account, as ClickMeter's `extendedGrants.allowAllGrants`.
    public var allowAllGrants: Bool
    public var allowGroupCreation: Bool
    /// How the guest reads figures and dates (ClickMeter kept these per guest); stored and echoed, not applied by the API.
    public var preferences = GuestPreferences()
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        id: Int64, accountID: Int64, name: String, email: String, userName: String, notes: String = "", allowAllGrants: Bool = false,
        allowGroupCreation: Bool = false, createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.email = email
        self.userName = userName
        self.notes = notes
        self.allowAllGrants = allowAllGrants
        self.allowGroupCreation = allowGroupCreation
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public func validate() throws(ValidationError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
            throw ValidationError(field: "Name", code: "name_invalid", message: "Name must be 1 to 200 characters")
        }
        let parts = email.split(separator: "@")
        guard parts.count == 2, parts[1].contains("."), email.count <= 254, !email.contains(" ") else {
            throw ValidationError(field: "Email", code: "email_invalid", message: "Email must be an e-mail address")
        }
        guard !userName.isEmpty, userName.count <= 100 else {
            throw ValidationError(field: "UserName", code: "username_invalid", message: "UserName must be 1 to 100 characters")
        }
        try preferences.validate()
    }
}

/// A guest's display preferences, as ClickMeter's `Accounting.Guest` carried them.
public struct GuestPreferences: Sendable, Equatable, Codable {
    public enum TimeFormat: String, Sendable, Codable, CaseIterable {
        case amPm = "AmPm"
        case h24 = "H24"
    }

    /// ClickMeter's own time-zone number, kept as given.
    public var timeZone: Int = 0
    public var language: String = "en"
    public var dateFormat: String = "MM/dd/yyyy"
    public var timeFormat: TimeFormat = .amPm
    public var decimalSeparator: String = "."
    public var numberGroupSeparator: String = ","

    public init() {}

    public func validate() throws(ValidationError) {
        for (field, value, limit) in [
            ("Language", language, 35), ("DateFormat", dateFormat, 40), ("DecimalSeparator", decimalSeparator, 3),
            ("NumberGroupSeparator", numberGroupSeparator, 3),
        ] where value.count > limit || value.contains(where: \.isNewline) {
            throw ValidationError(field: field, code: "preference_invalid", message: "\(field) must be at most \(limit) characters on one line")
        }
    }
}

/// What a guest may do with one shared datapoint or group. Write implies read; a grant on a group covers the
/// datapoints in it.
public struct GuestGrant: Sendable, Equatable, Hashable {
    public enum EntityType: String, Sendable, CaseIterable {
        case datapoint
        case group
    }

    public enum Verb: String, Sendable, CaseIterable {
        case read = "r"
        case write = "w"
    }

    public var entityType: EntityType
    public var entityID: Int64
    public var verb: Verb

    public init(entityType: EntityType, entityID: Int64, verb: Verb) {
        self.entityType = entityType
        self.entityID = entityID
        self.verb = verb
    }
}

/// A guest's grants as the authorization check reads them.
public struct GuestAccess: Sendable, Equatable {
    public var guestID: Int64
    public var allowAll: Bool
    public var allowGroupCreation: Bool
    public var grants: [GuestGrant]

    public init(guestID: Int64, allowAll: Bool, allowGroupCreation: Bool, grants: [GuestGrant]) {
        self.guestID = guestID
        self.allowAll = allowAll
        self.allowGroupCreation = allowGroupCreation
        self.grants = grants
    }

    /// Whether the guest may read (or, with `write`, change) a datapoint with this id in this group.
    public func allowsDatapoint(_ id: Int64, groupID: Int64?, write: Bool) -> Bool {
        allowAll
            || grants.contains { grant in
                let entityMatches =
                    (grant.entityType == .datapoint && grant.entityID == id)
                    || (grant.entityType == .group && groupID.map { $0 == grant.entityID } == true)
                return entityMatches && (!write || grant.verb == .write)
            }
    }

    public func allowsGroup(_ id: Int64, write: Bool) -> Bool {
        allowAll || grants.contains { $0.entityType == .group && $0.entityID == id && (!write || $0.verb == .write) }
    }
}
