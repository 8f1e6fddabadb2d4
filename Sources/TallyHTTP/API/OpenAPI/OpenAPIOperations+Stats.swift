/// The statistics half of ClickMeter's API (aggregated, reports, hits, clickstream) and conversion events.
extension OpenAPIOperations {
    static let frames = [
        "today", "yesterday", "last7", "last30", "lastmonth", "currentmonth", "previousmonth", "last90", "last120", "last180", "last12months",
        "lastyear", "currentyear", "beginning", "custom",
    ]
    static let csv: [String: Schema] = ["text/csv": .string()]
    static let format = Parameter(name: "format", schema: .string(values: ["json", "csv"]), description: "csv: the same rows as CSV")

    static func frame(_ name: String) -> [Parameter] {
        [
            Parameter(name: name, schema: .string(values: frames), description: "in the account's time zone", required: true),
            Parameter(name: "fromDay", schema: day, description: "with custom"), Parameter(name: "toDay", schema: day, description: "with custom"),
            format,
        ]
    }

    static var stats: [Operation] {
        let single = frame("timeFrame") + [Parameter(name: "hourly", schema: .boolean, description: "hourlyBreakDown (frames of 7 days or less)")]
        let list = frame("timeFrame") + [Parameter(name: "groupBy", schema: .string(values: ["day", "week", "month"]))]
        let summary =
            frame("timeFrame") + paging + search + [
                Parameter(name: "sortBy", schema: .string(values: ["totalClicks", "uniqueClicks", "totalViews", "conversionsValue", "id", "name"])),
                Parameter(name: "sortDirection", schema: .string(values: ["asc", "desc"])),
                Parameter(name: "favourite", schema: .boolean),
            ]
        let datapointSummary =
            summary + [
                Parameter(name: "type", schema: .string(values: ["tl", "tp"]), required: true),
                Parameter(name: "status", schema: .string(values: ["active", "paused", "spam", "deleted", "all"])),
                Parameter(name: "groupId", schema: .integer),
                Parameter(name: "tags", schema: .string(), description: "comma-separated tag names"),
            ]
        let reportTypes = [
            "browsers", "browsersfamilies", "platforms", "devices", "cities", "countries", "oss", "ossfamilies", "referrers", "languages", "sources",
        ]
        let report =
            frame("timeframe") + [
                Parameter(name: "type", schema: .string(values: reportTypes), required: true),
                Parameter(name: "hittype", schema: .string(values: ["clicks", "views"])),
                Parameter(name: "limit", schema: .integer, description: "rows (default 100, at most 1000)"),
            ]
        let hits =
            frame("timeframe") + [
                Parameter(name: "limit", schema: .integer, description: "hits per page (default 50, at most 1000)"),
                Parameter(name: "offset", schema: .string(), description: "the previous page's lastKey"),
                Parameter(name: "filter", schema: .string(values: ["uniques", "spiders", "nonuniques", "conversions"])),
            ]
        var operations: [Operation] = []
        for (path, tag, what) in [
            ("/aggregated", "Aggregated", "the account"), ("/datapoints/aggregated", "DataPoints", "the chosen datapoints"),
            ("/groups/aggregated", "Groups", "the chosen groups"), ("/datapoints/{id}/aggregated", "DataPoints", "a datapoint"),
            ("/groups/{id}/aggregated", "Groups", "a group"), ("/conversions/{id}/aggregated", "Conversions", "a conversion and its links"),
        ] {
            let filters = path == "/datapoints/aggregated" ? datapointFilters : path == "/groups/aggregated" ? activeOrDeleted : []
            operations.append(
                Operation(
                    method: "get", path: path, tag: tag, summary: "Totals of \(what)", query: single + filters, response: .ref("AggregatedResult"),
                    alternatives: csv, scope: "stats:read"))
            operations.append(
                Operation(
                    method: "get", path: path + "/list", tag: tag, summary: "Daily, weekly or monthly series of \(what)", query: list + filters,
                    response: .ref("RowsResponse"), alternatives: csv, scope: "stats:read"))
        }
        operations += [
            Operation(
                method: "get", path: "/conversions/aggregated/list", tag: "Conversions", summary: "Series of the account's conversions",
                query: list + activeOrDeleted, response: .ref("RowsResponse"), alternatives: csv, scope: "stats:read"),
            Operation(
                method: "get", path: "/aggregated/summary/datapoints", tag: "Aggregated", summary: "Totals per datapoint", query: datapointSummary,
                response: .ref("AggregatedSummaryResult"), scope: "stats:read"),
            Operation(
                method: "get", path: "/aggregated/summary/groups", tag: "Aggregated", summary: "Totals per group",
                query: summary + [Parameter(name: "status", schema: .string(values: ["active", "deleted", "all"]))],
                response: .ref("AggregatedSummaryResult"), scope: "stats:read"),
            Operation(
                method: "get", path: "/aggregated/summary/conversions", tag: "Aggregated", summary: "Totals per conversion",
                query: summary + [Parameter(name: "status", schema: .string(values: ["active", "deleted", "all"]))],
                response: .ref("AggregatedSummaryResult"), scope: "stats:read"),
            Operation(
                method: "get", path: "/groups/{id}/aggregated/summary", tag: "Groups", summary: "Totals per datapoint of a group",
                query: summary + [Parameter(name: "type", schema: .string(values: ["tl", "tp"]))], response: .ref("AggregatedSummaryResult"),
                scope: "stats:read"),
            Operation(
                method: "get", path: "/reports", tag: "Reports", summary: "Top values of a dimension (account, or one datapoint/group/conversion)",
                query: report + [
                    Parameter(name: "datapoint", schema: .integer), Parameter(name: "group", schema: .integer),
                    Parameter(name: "conversion", schema: .integer),
                ], response: .ref("Top"), alternatives: csv, scope: "stats:read"),
            Operation(
                method: "get", path: "/datapoints/{id}/reports", tag: "DataPoints", summary: "Top values for a datapoint", query: report,
                response: .ref("Top"), alternatives: csv, scope: "stats:read"),
            Operation(
                method: "get", path: "/groups/{id}/reports", tag: "Groups", summary: "Top values for a group", query: report, response: .ref("Top"),
                alternatives: csv, scope: "stats:read"),
            Operation(
                method: "get", path: "/conversions/{id}/reports", tag: "Conversions", summary: "Top datapoints or groups of a conversion",
                query: frame("timeframe") + [Parameter(name: "type", schema: .string(values: ["datapoints", "groups"]), required: true)],
                response: .ref("Top"), alternatives: csv, scope: "stats:read"),
        ]
        for (path, tag, what) in [
            ("/hits", "Hits", "the account's hits"), ("/datapoints/{id}/hits", "DataPoints", "a datapoint's hits"),
            ("/groups/{id}/hits", "Groups", "a group's hits"), ("/conversions/{id}/hits", "Conversions", "the clicks that led to a conversion"),
        ] {
            operations.append(
                Operation(
                    method: "get", path: path, tag: tag, summary: "A page of \(what), newest first", query: hits, response: .ref("HitListPage"),
                    alternatives: csv, scope: "stats:read"))
        }
        let streamFilter = Parameter(name: "filter", schema: .string(values: ["uniques", "spiders", "nonuniques"]))
        operations += [
            Operation(
                method: "get", path: "/clickstream", tag: "ClickStream", summary: "The latest hits (at most 100)",
                query: [
                    Parameter(name: "pageSize", schema: .integer, description: "default 50, at most 100"),
                    Parameter(name: "filter", schema: .string(values: ["uniques", "spiders", "nonuniques", "conversions"])),
                    Parameter(name: "datapoint", schema: .integer), Parameter(name: "group", schema: .integer),
                    Parameter(name: "conversion", schema: .integer), format,
                ], response: .ref("RowsResponse"), alternatives: csv, scope: "stats:read"),
            Operation(
                method: "get", path: "/clickstream/live", tag: "ClickStream",
                summary: "Hits as they are stored, as Server-Sent Events (event: hit; Last-Event-ID resumes)",
                query: [
                    Parameter(name: "maxEvents", schema: .integer, description: "end the stream after this many events"),
                    Parameter(name: "maxSeconds", schema: .integer, description: "end the stream after this many seconds"),
                    Parameter(name: "datapoint", schema: .integer), Parameter(name: "group", schema: .integer), streamFilter,
                ], response: .string(), alternatives: ["text/event-stream": .string()], scope: "stats:read"),
            Operation(
                method: "post", path: "/conversions/{id}/events", tag: "Conversions",
                summary: "Report a conversion from a server (Idempotency-Key header or idempotencyKey: retries count once)",
                body: .object([
                    "clickId": .string(pattern: "^[0-9]{1,6}-[0-9]{1,19}-[0-9]{13}$"), "value": .number, "commission": .number,
                    "commissionPercent": .number, "idempotencyKey": .string(pattern: "^[a-z0-9-]{1,40}$"),
                    "parameters": .anyObject,
                ]), response: .ref("ConversionEvent"), success: 201, alsoSuccess: [200], scope: "conversions:write"),
        ]
        return operations
    }
}
