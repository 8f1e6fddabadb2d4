import Foundation

/// A conversion goal (a sale, a sign-up) that tracking links lead to (ClickMeter's `Conversions.Conversion`).
/// Its pixel and script report conversions (`ConversionEvent`), credited to a click of one of its links.
public struct Conversion: Sendable, Equatable {
    public var id: Int64
    public var accountID: Int64
    public var name: String
    public var description: String
    public var notes: String
    /// The default value of one conversion, when the pixel does not say.
    public var value: Double
    /// Whether the thank-you page is served over https (the wire's `protocol`: 0 Http, 1 Https).
    public var isHTTPS: Bool
    public var isDeleted: Bool
    public var createdAt: Int64
    public var updatedAt: Int64
    /// Which click earns the conversion when a visitor clicked several of its links.
    public var attribution: Attribution

    public init(
        id: Int64, accountID: Int64, name: String, description: String = "", notes: String = "", value: Double = 0, isHTTPS: Bool = true,
        isDeleted: Bool = false, createdAt: Int64, updatedAt: Int64,
        attribution: Attribution = .lastClick
    ) {
        self.attribution = attribution
        self.id = id
        self.accountID = accountID
        self.name = name
        self.description = description
        self.notes = notes
        self.value = value
        self.isHTTPS = isHTTPS
        self.isDeleted = isDeleted
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The wire model has five conversion slots per datapoint.
    public static let maximumPerDatapoint = 5

    public func validate() throws(ValidationError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
            throw ValidationError(field: "Name", code: "name_invalid", message: "Name must be 1 to 200 characters")
        }
        guard description.count <= 2000 else {
            throw ValidationError(field: "Description", code: "too_long", message: "Description must be at most 2000 characters")
        }
        guard value.isFinite, value >= 0 else {
            throw ValidationError(field: "Value", code: "value_invalid", message: "Value must be a number of at least 0")
        }
    }
}
