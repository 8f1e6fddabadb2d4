/// The overview page (`overview` template): today's, 7 and 30 days' figures, the 30-day chart and the busiest links.
struct OverviewView: DashboardView {
    /// One period's figures, formatted.
    struct Period: DashboardView {
        let label: String
        let clicks: String
        let views: String
        let unique: String
        let bots: String

        func child(named key: String) -> Any? {
            switch key {
            case "label": label
            case "clicks": clicks
            case "views": views
            case "unique": unique
            case "bots": bots
            default: nil
            }
        }
    }

    /// One of the busiest links of 30 days.
    struct TopLink: DashboardView {
        let id: Int64
        let name: String
        let title: String
        let hits: String
        let unique: String

        func child(named key: String) -> Any? {
            switch key {
            case "id": id
            case "name": name
            case "title": title
            case "hits": hits
            case "unique": unique
            default: nil
            }
        }
    }

    let periods: [Period]
    /// The chart's SVG, rendered by `SVGChart` (escaped there; the template inserts it as is).
    let chart: String
    /// The account has no live link at all (the page invites it to create one).
    let noLinks: Bool
    let top: [TopLink]

    func child(named key: String) -> Any? {
        switch key {
        case "periods": periods
        case "chart": chart
        case "noLinks": noLinks
        case "top": top
        case "noTop": top.isEmpty
        default: nil
        }
    }
}
