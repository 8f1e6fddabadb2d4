/// A group of datapoints (ClickMeter's "group", a campaign). Deleting is a flag: the group's statistics stay.
public struct LinkGroup: Sendable, Equatable {
    public var id: Int64
    public var accountID: Int64
    public var name: String
    public var notes: String
    public var isFavourite: Bool
    public var isDeleted: Bool
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        id: Int64, accountID: Int64, name: String, notes: String = "", isFavourite: Bool = false, isDeleted: Bool = false, createdAt: Int64,
        updatedAt: Int64
    ) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.notes = notes
        self.isFavourite = isFavourite
        self.isDeleted = isDeleted
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// 1 to 200 characters, not only spaces.
    public static func validateName(_ name: String) throws(ValidationError) -> String {
        let trimmed = name.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.count <= 200 else {
            throw ValidationError(field: "Name", code: "group_name_invalid", message: "a group needs a name of 1 to 200 characters")
        }
        return trimmed
    }
}
