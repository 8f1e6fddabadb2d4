import Foundation

/// A retargeting script (an ad network's pixel or tag) that a tracking link fires on an intermediate page
/// before the visitor moves on (ClickMeter's `Retargeting.RetargetingScript`).
public struct RetargetingScript: Sendable, Equatable {
    public var id: Int64
    public var accountID: Int64
    public var name: String
    /// HTML as the ad network gives it (`<script>…</script>`, `<img …>`), placed verbatim on the page.
    public var script: String
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(id: Int64, accountID: Int64, name: String, script: String, createdAt: Int64, updatedAt: Int64) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.script = script
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public static let maximumScriptLength = 64 * 1024

    public static func validate(name: String, script: String) throws(ValidationError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
            throw ValidationError(field: "Name", code: "name_invalid", message: "Name must be 1 to 200 characters")
        }
        guard !script.isEmpty, script.utf8.count <= maximumScriptLength else {
            throw ValidationError(field: "Script", code: "script_invalid", message: "Script must be 1 to \(maximumScriptLength) bytes")
        }
    }
}
