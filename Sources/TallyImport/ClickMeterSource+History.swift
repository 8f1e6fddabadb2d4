import Foundation
import TallyCore

/// The statistics history: which datapoints and goals had anything in the range (the summaries, a page of a
/// thousand at a time), then each of those one's daily list, a year at a time.
extension ClickMeterSource {
    func history(
        _ range: HistoryRange, datapoints: [AccountSnapshot.DatapointRecord], conversions: [AccountSnapshot.ConversionRecord]
    ) async throws -> [AccountSnapshot.HistoryRecord] {
        guard let first = ClickMeterDate.parse(range.from), let last = ClickMeterDate.parse(range.to), first <= last else {
            throw ImportSourceError.malformed(url: "--history-from/--history-to", reason: "days must be YYYYMMDD, the first not after the last")
        }
        let pixels = Set(datapoints.filter { $0.type == .trackingPixel }.map(\.sourceID))
        var windows: [(String, String)] = []
        var day = first / LocalTime.dayMilliseconds
        let lastDay = last / LocalTime.dayMilliseconds
        while day <= lastDay {
            let end = min(day + 365, lastDay)
            windows.append((ClickMeterDate.dayText(day), ClickMeterDate.dayText(end)))
            day = end + 1
        }
        var records: [AccountSnapshot.HistoryRecord] = []
        var done = 0
        for (from, to) in windows {
            let frame = [("timeframe", "custom"), ("fromDay", from), ("toDay", to)]
            var active: [(AccountSnapshot.HistoryRecord.Entity, String)] = []
            // Sorted busiest first, the summaries are read only until their first idle row.
            for (type, figure) in [("tl", "totalclicks"), ("tp", "totalviews")] {
                active += try await activeEntities("/aggregated/summary/datapoints", frame + [("type", type)], sortBy: figure).map {
                    (.datapoint, $0)
                }
            }
            active += try await activeEntities("/aggregated/summary/conversions", frame, sortBy: "conversionscount").map { (.conversion, $0) }
            for (entity, id) in active {
                let path = entity == .datapoint ? "/datapoints/\(id)/aggregated/list" : "/conversions/\(id)/aggregated/list"
                let page = try await api.json(path, frame + [("groupBy", "day")])
                guard let rows = (SourceClient.member(page, "rows") ?? SourceClient.member(page, "entities")) as? [Any] else {
                    throw ImportSourceError.malformed(url: api.url(path, frame), reason: "no rows")
                }
                for row in rows {
                    guard let object = row as? [String: Any] else { continue }
                    do {
                        if let (day, counts) = try ClickMeterRecords.day(WireObject(object), pixel: pixels.contains(id)) {
                            records.append(.init(entity: entity, sourceID: id, day: day, counts: counts))
                        }
                    } catch let error as ValidationError {
                        throw ImportSourceError.malformed(url: api.url(path, frame), reason: error.message)
                    }
                }
                done += 1
                if done % 100 == 0 { progress?("histories read", done) }
            }
        }
        return records
    }

    /// The ids of a summary's rows with any hit or conversion in the frame. Asked busiest first (`sortBy`, descending):
    /// while the answers are in that order, the first idle row ends the reading; a source that ignores the order is
    /// read to the end.
    func activeEntities(_ path: String, _ frame: [(String, String)], sortBy: String) async throws -> [String] {
        let figure = ["totalclicks": "totalClicks", "totalviews": "totalViews", "conversionscount": "conversionsCount"][sortBy] ?? "totalClicks"
        var ids: [String] = []
        var offset = 0
        var previous = Int64.max
        var ordered = true
        while true {
            let query = frame + [("offset", "\(offset)"), ("limit", "1000"), ("sortBy", sortBy), ("sortDirection", "desc")]
            let page = try await api.json(path, query)
            guard let result = SourceClient.member(page, "result") as? [Any] else {
                throw ImportSourceError.malformed(url: api.url(path, query), reason: "no result list")
            }
            for case let row as [String: Any] in result {
                let item = WireObject(row)
                let value = try item.int64(figure) ?? 0
                if value > previous { ordered = false }
                previous = value
                let any = try [item.int64("totalClicks"), item.int64("totalViews"), item.int64("conversionsCount"), item.int64("spiderHitsCount")]
                    .contains { ($0 ?? 0) > 0 }
                if any, let id = try item.string("entityId") { ids.append(id) }
                if !any && ordered && value == 0 { return ids }
            }
            let count = (SourceClient.member(page, "count") as? NSNumber)?.intValue ?? 0
            offset += result.count
            if result.isEmpty || offset >= count { return ids }
        }
    }
}
