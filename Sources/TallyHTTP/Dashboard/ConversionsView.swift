/// The conversions page (`conversions` template): the account's goals with their last 30 days and their codes.
struct ConversionsView: DashboardView {
    struct Row: DashboardView {
        let id: Int64
        let name: String
        let attribution: String
        let pixel: String
        let snippet: String
        let count: String
        let unique: String
        let value: String
        let commission: String

        func child(named key: String) -> Any? {
            switch key {
            case "id": id
            case "name": name
            case "attribution": attribution
            case "pixel": pixel
            case "snippet": snippet
            case "count": count
            case "unique": unique
            case "value": value
            case "commission": commission
            default: nil
            }
        }
    }

    let conversions: [Row]
    /// Why the last form was refused, shown above it.
    let error: String?

    func child(named key: String) -> Any? {
        switch key {
        case "conversions": conversions
        case "none": conversions.isEmpty
        case "error": error
        default: nil
        }
    }
}
