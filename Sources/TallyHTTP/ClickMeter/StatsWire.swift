import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

/// ClickMeter's `Aggregated.AggregatedResult`, with the vendor documentation's older names
/// (`conversionsCount`, `uniqueConvertedClicks`) beside the OpenAPI ones, since clients were written against both.
struct AggregatedWire: ResponseEncodable {
    var entityId: String
    var fromDay: String
    var toDay: String
    var activityDay: String?
    var totalClicks: Int64
    var uniqueClicks: Int64
    var totalViews: Int64
    var uniqueViews: Int64
    var spiderHitsCount: Int64
    var conversionsCount: Int64
    var uniqueConversions: Int64
    var convertedClicks: Int64
    var uniqueConvertedClicks: Int64
    var conversionsValue: Double
    var commissionsCost: Double
    /// What the conversions cost the account: the commissions it pays (ClickTally records no other cost).
    var conversionsCost: Double
    var lastHitDate: String?
    var hourlyBreakDown: [String: AggregatedWire]?
    var entityData: EntityData?

    init(_ counts: StatsCounts, entityID: String, days: ClosedRange<Int64>) {
        entityId = entityID
        fromDay = Self.dayText(days.lowerBound)
        toDay = Self.dayText(days.upperBound)
        totalClicks = counts.clicks
        uniqueClicks = counts.uniqueClicks
        totalViews = counts.views
        uniqueViews = counts.uniqueViews
        spiderHitsCount = counts.spiders
        conversionsCount = counts.conversions
        uniqueConversions = counts.uniqueConversions
        convertedClicks = counts.convertedClicks
        uniqueConvertedClicks = counts.convertedClicks
        conversionsValue = Self.money(counts.conversionValue)
        commissionsCost = Self.money(counts.commission)
        conversionsCost = Self.money(counts.commission)
        lastHitDate = counts.lastHit > 0 ? ClickMeterDate.format(counts.lastHit) : nil
    }

    /// Sums of doubles drift by a few ulps; money is shown to the cent's hundredth.
    static func money(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

    /// A local day as ClickMeter writes days: `YYYYMMDD000000`.
    static func dayText(_ day: Int64) -> String {
        let (y, m, d) = LocalTime.civil(day)
        return String(format: "%04d%02d%02d000000", y, m, d)
    }

    static let csvHeader = [
        "entityId", "activityDay", "fromDay", "toDay", "totalClicks", "uniqueClicks", "totalViews", "uniqueViews", "spiderHitsCount",
        "conversionsCount", "uniqueConversions", "convertedClicks", "conversionsValue", "commissionsCost", "lastHitDate",
    ]

    var csvRow: [String] {
        [
            entityId, activityDay ?? "", fromDay, toDay, "\(totalClicks)", "\(uniqueClicks)", "\(totalViews)", "\(uniqueViews)", "\(spiderHitsCount)",
            "\(conversionsCount)", "\(uniqueConversions)", "\(convertedClicks)", "\(conversionsValue)", "\(commissionsCost)", lastHitDate ?? "",
        ]
    }
}

/// `Aggregated.AggregatedSummaryResult`: the only list with paging figures in its body.
struct AggregatedSummaryWire: ResponseEncodable {
    let count: Int
    let limit: Int
    let offset: Int
    let fromDay: String
    let toDay: String
    let result: [AggregatedWire]
}

/// `Tops.Top` and its `TopItem`s.
struct TopWire: ResponseEncodable {
    struct Item: Encodable, Sendable {
        let id: String
        let lastHitDate: String?
        let totalHits: Int64
        let totalClicks: Int64
        let totalViews: Int64
        let uniqueHits: Int64
        let uniqueClicks: Int64
        let uniqueViews: Int64
        let spiderHits: Int64
        let spiderClicks: Int64
        let spiderViews: Int64
        let totalConversions: Int64
        let totalConversionsValue: Double
        let totalConversionsCost: Double
        let totalCommissionsCost: Double
        var entityData: EntityData?

        init(id: String, counts: StatsCounts) {
            self.id = id
            lastHitDate = counts.lastHit > 0 ? ClickMeterDate.format(counts.lastHit) : nil
            totalHits = counts.hits
            totalClicks = counts.clicks
            totalViews = counts.views
            uniqueHits = counts.uniqueHits
            uniqueClicks = counts.uniqueClicks
            uniqueViews = counts.uniqueViews
            spiderHits = counts.spiders
            spiderClicks = counts.spiderClicks
            spiderViews = counts.spiderViews
            totalConversions = counts.conversions
            totalConversionsValue = AggregatedWire.money(counts.conversionValue)
            totalConversionsCost = AggregatedWire.money(counts.commission)
            totalCommissionsCost = AggregatedWire.money(counts.commission)
        }
    }

    let key: String
    let createdAt: String
    let data: [Item]
}

/// Comma-separated values (RFC 4180): quoted when a field holds a comma, a quote or a line break. A field that
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return (OWASP's CSV-injection list) is prefixed with `'` so a
/// spreadsheet does not run a visitor's referrer or user agent as a formula; plain numbers (`-3.5`) are left alone.
enum CSV {
    static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func response(header: [String], rows: [[String]], filename: String) -> Response {
        var text = header.map(field).joined(separator: ",") + "\r\n"
        for row in rows { text += row.map(field).joined(separator: ",") + "\r\n" }
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename).csv\""],
            body: .init(byteBuffer: .init(string: text)))
    }

    /// `?format=csv|json`, else an `Accept` that names CSV first.
    static func wanted(_ request: Request, _ query: WireQuery) throws(ValidationError) -> Bool {
        if let format = query.string("format")?.lowercased() {
            guard format == "csv" || format == "json" else { throw WireQuery.invalid("format", "csv or json") }
            return format == "csv"
        }
        return request.headers[.accept]?.lowercased().hasPrefix("text/csv") ?? false
    }

    /// The JSON answer when the caller did not ask for CSV (a route that may answer either returns a `Response`).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: .init(bytes: try encoder.encode(value))))
    }
}
