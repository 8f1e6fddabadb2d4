/// The campaigns page (`groups` template): each live campaign with its links and 30-day hits, and the account's tags.
struct GroupsView: DashboardView {
    struct Group: DashboardView {
        let id: Int64
        let name: String
        let links: Int
        let hits: String

        func child(named key: String) -> Any? {
            switch key {
            case "id": id
            case "name": name
            case "links": links
            case "hits": hits
            default: nil
            }
        }
    }

    let groups: [Group]
    let tags: [DashboardChoice]
    /// Why the last form was refused, shown above the table.
    let error: String?
    /// The neighbouring pages of campaigns, when there are any.
    var previous: String? = nil
    var next: String? = nil

    func child(named key: String) -> Any? {
        switch key {
        case "groups": groups
        case "none": groups.isEmpty && previous == nil
        case "tags": tags
        case "noTags": tags.isEmpty
        case "error": error
        case "previous": previous
        case "next": next
        default: nil
        }
    }
}
