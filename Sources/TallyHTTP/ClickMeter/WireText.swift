import TallyCore

/// Limits on the free text of ClickMeter bodies (titles, notes), with the property named as ClickMeter spells it.
enum WireText {
    static func bounded(_ text: String, _ property: String, _ limit: Int) throws(ValidationError) -> String {
        guard text.count <= limit else {
            throw ValidationError(field: property, code: "too_long", message: "\(property) must be at most \(limit) characters")
        }
        return text
    }
}
