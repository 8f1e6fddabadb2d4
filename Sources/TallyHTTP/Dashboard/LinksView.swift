/// The links page (`links` template): one page of the account's links with the filters that chose it.
struct LinksView: DashboardView {
    struct Row: DashboardView {
        let id: Int64
        let name: String
        let title: String
        let url: String
        let destination: String
        let status: String
        let type: String
        let group: String
        let tags: String
        let hits: String

        func child(named key: String) -> Any? {
            switch key {
            case "id": id
            case "name": name
            case "title": title
            case "url": url
            case "destination": destination
            case "status": status
            case "type": type
            case "group": group
            case "tags": tags
            case "hits": hits
            default: nil
            }
        }
    }

    let links: [Row]
    /// "1,234", or "1,000+" for a search counted no further.
    let total: String
    let q: String
    let groups: [DashboardChoice]
    let tags: [DashboardChoice]
    /// The status and type filters as the query named them ("any" when none): the template marks the chosen option.
    let status: String
    let type: String
    let page: Int
    let previous: String?
    let next: String?
    let notice: String?

    func child(named key: String) -> Any? {
        switch key {
        case "links": links
        case "none": links.isEmpty
        case "total": total
        case "q": q
        case "groups": groups
        case "tags": tags
        case "page": page
        case "previous": previous
        case "next": next
        case "notice": notice
        case "status_\(status)", "type_\(type)": true
        default: nil
        }
    }
}
