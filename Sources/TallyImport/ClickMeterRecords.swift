import Foundation
import TallyCore

/// ClickMeter's JSON objects as snapshot records, read as leniently as the API reads its clients (names in any case,
/// enums by name or number, numbers as strings).
enum ClickMeterRecords {
    static func datapoint(_ item: WireObject, domains: Set<String>) throws -> AccountSnapshot.DatapointRecord {
        guard let id = try item.int64("id") else { throw ValidationError(field: "Id", code: "id_required", message: "a datapoint without an id") }
        var record = AccountSnapshot.DatapointRecord(sourceID: "\(id)", name: try item.string("name") ?? "")
        record.type = try item.enumeration("type", names: ClickMeterVocabulary.typeNames, numbers: ClickMeterVocabulary.typeNumbers) ?? .trackingLink
        record.title = try item.string("title") ?? ""
        record.notes = try item.string("notes") ?? ""
        record.isFavourite = try item.bool("preferred") ?? false
        record.status =
            try item.enumeration("status", names: ClickMeterVocabulary.statusNames, numbers: ClickMeterVocabulary.statusNumbers) ?? .active
        record.group = try item.int64("groupId").map { "\($0)" }
        record.encodeIP = try item.bool("encodeIp") ?? false
        record.tags = try (item.objects("tags") ?? []).compactMap { tag in try tag.string("name") }
        if let created = try item.string("creationDate") { record.createdAt = ClickMeterDate.parse(created) }
        guard record.type == .trackingLink, let link = try item.object("typeTL") else { return record }
        record.destinationURL = try link.string("url")
        record.redirectType = try ClickMeterVocabulary.redirectType(link) ?? .default
        record.mode =
            try link.enumeration("destinationMode", names: ClickMeterVocabulary.modeNames, numbers: ClickMeterVocabulary.modeNumbers) ?? .simple
        if let member = ClickMeterVocabulary.itemsMember(record.mode) {
            record.destinations = try (link.objects(member) ?? []).compactMap { destination in
                try destination.string("url").map { RotatorDestination(url: $0, weight: try destination.int("weight") ?? 0) }
            }
        }
        if record.destinationURL?.isEmpty ?? true { record.destinationURL = record.destinations.first?.url ?? record.destinationURL }
        record.hideURL = try link.bool("hideUrl") ?? false
        record.hideURLTitle = try link.string("hideUrlTitle") ?? ""
        record.referrerClean =
            try link.enumeration("referrerClean", names: ClickMeterVocabulary.referrerNames, numbers: ClickMeterVocabulary.referrerNumbers) ?? .none
        record.clickIDParameter = try link.string("clickIdParameter")
        record.scripts = try (link.objects("scripts") ?? []).compactMap { script in try script.int64("id").map { "\($0)" } }
        // A link on one of ClickMeter's shared domains lands on this server's own domain.
        if let domain = try link.int64("domainId"), domains.contains("\(domain)") { record.domain = "\(domain)" }
        return record
    }

    /// An `AggregatedResult` row as one day's totals; `nil` for a day with nothing in it.
    static func day(_ row: WireObject, pixel: Bool) throws -> (day: String, counts: StatsCounts)? {
        guard let activity = try row.string("activityDay"), activity.count >= 8 else { return nil }
        var counts = StatsCounts()
        counts.clicks = try row.int64("totalClicks") ?? 0
        counts.uniqueClicks = try row.int64("uniqueClicks") ?? 0
        counts.views = try row.int64("totalViews") ?? 0
        counts.uniqueViews = try row.int64("uniqueViews") ?? 0
        // ClickMeter counts spiders together; a pixel's are views, a link's clicks.
        let spiders = try row.int64("spiderHitsCount") ?? 0
        if pixel { counts.spiderViews = spiders } else { counts.spiderClicks = spiders }
        counts.conversions = try row.int64("conversionsCount") ?? row.int64("conversions") ?? 0
        counts.uniqueConversions = try row.int64("uniqueConversions") ?? 0
        counts.convertedClicks = try row.int64("convertedClicks") ?? 0
        counts.conversionValue = try row.double("conversionsValue") ?? 0
        counts.commission = try row.double("commissionsCost") ?? 0
        if let last = try row.string("lastHitDate"), let time = ClickMeterDate.parse(last), last.prefix(8) == activity.prefix(8) {
            counts.lastHit = time
        }
        guard counts != StatsCounts() else { return nil }
        return (String(activity.prefix(8)), counts)
    }
}
