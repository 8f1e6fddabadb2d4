import Foundation
import TallyCore
import TallyStorage

/// One hit in the link page's list and in its live stream.
struct HitRowView: DashboardView {
    let time: String
    let country: String
    let browser: String
    let os: String
    let device: String
    let referrer: String
    let unique: Bool
    let bot: Bool
    /// click or view.
    let kind: String

    init(_ hit: StoredHit) {
        time = DashboardFormat.time(hit.time)
        country = hit.country.isEmpty ? "–" : hit.country
        browser = hit.browser.isEmpty ? "–" : hit.browser
        os = hit.os.isEmpty ? "–" : hit.os
        device = hit.deviceType
        referrer = hit.referrerDomain.isEmpty ? "direct" : hit.referrerDomain
        unique = hit.isUnique
        bot = hit.isSpider
        kind = hit.kind == .click ? "click" : "view"
    }

    /// The live stream's event: every member as text, as the page's script reads it.
    var eventFields: [String: String] {
        [
            "time": time, "country": country, "browser": browser, "os": os, "device": device, "referrer": referrer, "unique": "\(unique)",
            "bot": "\(bot)", "kind": kind,
        ]
    }

    func child(named key: String) -> Any? {
        switch key {
        case "time": time
        case "country": country
        case "browser": browser
        case "os": os
        case "device": device
        case "referrer": referrer
        case "unique": unique
        case "bot": bot
        case "kind": kind
        default: nil
        }
    }
}

/// A horizontal bar list: the top values of one dimension, each with its hits and the largest count (the meter's top).
struct BreakdownView: DashboardView {
    struct Row: DashboardView {
        let value: String
        let count: Int64
        let largest: Int64

        func child(named key: String) -> Any? {
            switch key {
            case "value": value
            case "hits": DashboardFormat.number(count)
            case "count": count
            case "max": largest
            default: nil
            }
        }
    }

    let title: String
    let rows: [Row]

    func child(named key: String) -> Any? {
        switch key {
        case "title": title
        case "empty": rows.isEmpty
        case "rows": rows
        default: nil
        }
    }
}

/// One link or pixel's page (`link`): its tracking URL, snippet and QR code, the traffic chart and totals, the
/// breakdowns, the latest hits and where the live stream starts.
struct LinkView: DashboardView {
    struct Destination: DashboardView {
        let url: String
        let weight: Int

        func child(named key: String) -> Any? {
            switch key {
            case "url": url
            case "weight": weight
            default: nil
            }
        }
    }

    let datapoint: Datapoint
    let url: String
    /// SVG markup (chart and QR code), rendered unescaped.
    let chart: String
    let qr: String
    let total: StatsCounts
    let period: String
    let breakdowns: [BreakdownView]
    let hits: [HitRowView]
    /// The newest hit's id: the live stream sends what comes after it.
    let latest: Int64
    let byHour: Bool
    let days: Int64

    func child(named key: String) -> Any? {
        switch key {
        case "id": datapoint.id
        case "name": datapoint.name
        case "title": datapoint.title
        case "url": url
        case "isLink": datapoint.type == .trackingLink
        case "destination": datapoint.destinationURL ?? ""
        case "status": datapoint.status.name
        case "paused": datapoint.status == .paused
        case "snippet": "<img src=\"\(url)\" width=\"1\" height=\"1\" alt=\"\" />"
        case "qr": qr
        case "chart": chart
        case "totalHits": DashboardFormat.number(total.hits)
        case "uniqueHits": DashboardFormat.number(total.uniqueHits)
        case "botHits": DashboardFormat.number(total.spiders)
        case "period": period
        case "breakdowns": breakdowns
        case "hits": hits
        case "noHits": hits.isEmpty
        case "latest": latest
        case "byHour": byHour
        case "days7", "days30", "days90": !byHour && key == "days\(days)"
        case "rotation":
            datapoint.options.mode.isRotator ? datapoint.options.destinations.map { Destination(url: $0.url, weight: $0.weight) } : []
        default: nil
        }
    }
}

/// The link form (`link-form`), new or editing.
struct LinkFormView: DashboardView {
    /// What the form holds: a link's values, a new one's defaults, or what was typed when it was refused.
    struct Fields: Sendable {
        var isLink = true
        var destination = ""
        var name = ""
        var title = ""
        /// The campaign's id as the form sends it ("" for none).
        var groupID = ""
        var tagList = ""
        /// 301, 302 or 307, as the form sends it.
        var redirect = "302"
        /// A `DestinationMode` number, as the form sends it.
        var mode = "0"
        var rotation = ""
    }

    struct Mode: DashboardView {
        let value: Int
        let label: String
        let selected: Bool

        func child(named key: String) -> Any? {
            switch key {
            case "value": value
            case "label": label
            case "selected": selected
            default: nil
            }
        }
    }

    let fields: Fields
    let groups: [DashboardChoice]
    let modes: [Mode]
    /// The link being edited: its id and tracking URL.
    let editing: (id: Int64, trackingURL: String)?
    let error: String?

    func child(named key: String) -> Any? {
        switch key {
        case "isLink": fields.isLink
        case "destination": fields.destination
        case "name": fields.name
        case "title": fields.title
        case "tagList": fields.tagList
        case "rotation": fields.rotation
        case "redirect_301", "redirect_302", "redirect_307": key == "redirect_\(fields.redirect)"
        case "groups": groups
        case "modes": modes
        case "editing": editing != nil
        case "action": editing.map { "/dashboard/links/\($0.id)" } ?? "/dashboard/links"
        case "trackingURL": editing?.trackingURL
        case "error": error
        default: nil
        }
    }
}
