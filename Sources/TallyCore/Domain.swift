/// ClickMeter's domain types (`Domain.type`); the system domain comes from `--public-url`.
public enum DomainType: Int, Sendable, Codable, CaseIterable {
    case system = 0
    case go = 1
    case dedicated = 2
    case personal = 3
}

public struct Domain: Sendable, Equatable {
    public var id: Int64
    /// `nil` for the system domain, which every account shares.
    public var accountID: Int64?
    /// Host, lower-cased, with a port when it is not the scheme's default (`127.0.0.1:8080`).
    public var name: String
    public var type: DomainType

    public init(id: Int64, accountID: Int64?, name: String, type: DomainType) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.type = type
    }
}

public struct Account: Sendable, Equatable {
    public var id: Int64
    public var name: String

    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
}

public struct User: Sendable, Equatable {
    public var id: Int64
    public var accountID: Int64
    public var email: String

    public init(id: Int64, accountID: Int64, email: String) {
        self.id = id
        self.accountID = accountID
        self.email = email
    }
}

/// A campaign: datapoints grouped under one name.
public struct DatapointGroup: Sendable, Equatable {
    public var id: Int64
    public var accountID: Int64
    public var name: String
    public var notes: String
    public var isFavourite: Bool
    public var isDeleted: Bool

    public init(id: Int64, accountID: Int64, name: String, notes: String = "", isFavourite: Bool = false, isDeleted: Bool = false) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.notes = notes
        self.isFavourite = isFavourite
        self.isDeleted = isDeleted
    }
}

/// A tag; it attaches to datapoints and groups (many-to-many).
public struct Tag: Sendable, Equatable {
    public var id: Int64
    public var accountID: Int64
    public var name: String

    public init(id: Int64, accountID: Int64, name: String) {
        self.id = id
        self.accountID = accountID
        self.name = name
    }
}
