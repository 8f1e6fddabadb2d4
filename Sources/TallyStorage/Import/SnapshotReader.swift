import Foundation
import SQLKit
import TallyCore

/// An account as an `AccountSnapshot` (`clicktally export --format json`): every object with its local id as its
/// `sourceID`, and, when asked, each datapoint's and goal's daily totals in the account's time zone. Read back by
/// `SnapshotWriter` into another account or another server, it makes the same objects and the same figures.
public struct SnapshotReader: Sendable {
    let database: any TallyDatabase
    let accountID: Int64
    let clock: WallClock

    public init(database: any TallyDatabase, accountID: Int64, clock: WallClock = .system) {
        self.database = database
        self.accountID = accountID
        self.clock = clock
    }

    public func read(history: Bool) async throws -> AccountSnapshot {
        var snapshot = AccountSnapshot()
        let domains = try await SQLDomainRepository(database: database).all().filter { $0.accountID == accountID && $0.type != .system }
        snapshot.domains = domains.map { .init(sourceID: "\($0.id)", name: $0.name, type: $0.type) }
        let groups = try await SQLGroupRepository(database: database).list(accountID: accountID, includeDeleted: false)
        snapshot.groups = groups.map { .init(sourceID: "\($0.id)", name: $0.name, notes: $0.notes, isFavourite: $0.isFavourite) }
        let scripts = try await SQLRetargetingRepository(database: database).list(accountID: accountID)
        snapshot.scripts = scripts.map { .init(sourceID: "\($0.id)", name: $0.name, script: $0.script) }
        let conversionRepository = SQLConversionRepository(database: database)
        for conversion in try await conversionRepository.list(accountID: accountID) {
            var record = AccountSnapshot.ConversionRecord(sourceID: "\(conversion.id)", name: conversion.name)
            record.description = conversion.description
            record.notes = conversion.notes
            record.value = conversion.value
            record.isHTTPS = conversion.isHTTPS
            record.attribution = conversion.attribution
            record.isDeleted = conversion.isDeleted
            record.datapoints = try await conversionRepository.datapointIDs(conversionID: conversion.id).sorted().map { "\($0)" }
            snapshot.conversions.append(record)
        }
        let datapoints = try await SQLDatapointRepository(database: database).list(accountID: accountID, statuses: Set(DatapointStatus.allCases))
        let tagRepository = SQLTagRepository(database: database)
        let tagged = try await tagRepository.tags(ofDatapoints: datapoints.map(\.id))
        let groupIDs = Set(groups.map(\.id))
        snapshot.datapoints = datapoints.map { datapoint in
            var record = AccountSnapshot.DatapointRecord(sourceID: "\(datapoint.id)", name: datapoint.name)
            record.type = datapoint.type
            record.domain = domains.contains { $0.id == datapoint.domainID } ? "\(datapoint.domainID)" : nil
            record.title = datapoint.title
            record.notes = datapoint.notes
            record.isFavourite = datapoint.isFavourite
            record.status = datapoint.status
            record.group = datapoint.groupID.flatMap { groupIDs.contains($0) ? "\($0)" : nil }
            record.destinationURL = datapoint.destinationURL
            record.redirectType = datapoint.redirectType
            record.encodeIP = datapoint.encodeIP
            record.mode = datapoint.options.mode
            record.destinations = datapoint.options.destinations
            record.hideURL = datapoint.options.hideURL
            record.hideURLTitle = datapoint.options.hideURLTitle
            record.referrerClean = datapoint.options.referrerClean
            record.clickIDParameter = datapoint.options.clickIDParameter
            record.scripts = datapoint.options.scriptIDs.map { "\($0)" }
            record.tags = (tagged[datapoint.id] ?? []).map(\.name).sorted()
            record.createdAt = datapoint.createdAt
            return record
        }
        for tag in try await tagRepository.list(accountID: accountID) {
            for group in tag.groupIDs where groupIDs.contains(group) { snapshot.groupTags.append(.init(tag: tag.name, group: "\(group)")) }
        }
        let lists = SQLAccountListRepository(database: database)
        snapshot.ipBlacklist = try await lists.entries(.ipBlacklist, accountID: accountID).map(\.value)
        snapshot.domainWhitelist = try await lists.entries(.domainWhitelist, accountID: accountID).map(\.value)
        if history { snapshot.history = try await dailyTotals() }
        return snapshot
    }

    /// Every datapoint's and goal's totals per local day, from the hourly roll-ups (recorded hits and imported history).
    func dailyTotals() async throws -> [AccountSnapshot.HistoryRecord] {
        let (time, _) = try await SQLStatsRepository(database: database).accountClock(accountID)
        let first = try await database.read { db in
            try await db.raw(
                """
                SELECT MIN(hour_ms) AS first FROM stats_hourly WHERE entity_kind = \(bind: StatsEntity.account.rawValue) \
                AND entity_id = \(bind: accountID)
                """
            ).first(decodingColumn: "first", as: Int64?.self) ?? nil
        }
        guard let first else { return [] }
        let periods = time.periods(from: first, to: clock.now() + 2 * LocalTime.dayMilliseconds)
        guard let day = SQLStatsRepository.localDay(of: "h.hour_ms", periods) else { return [] }
        var records: [AccountSnapshot.HistoryRecord] = []
        for (entity, table, kind) in [
            (StatsEntity.datapoint, "datapoints", AccountSnapshot.HistoryRecord.Entity.datapoint), (.conversion, "conversions", .conversion),
        ] {
            let rows = try await database.read { db in
                try await db.raw(
                    """
                    SELECT h.entity_id AS entity_id, \(unsafeRaw: day) AS day, \(unsafeRaw: SQLStatsRepository.sums(database.kind)) FROM stats_hourly h \
                    JOIN \(ident: table) e ON e.id = h.entity_id WHERE h.entity_kind = \(bind: entity.rawValue) AND e.account_id = \(bind: accountID) \
                    GROUP BY h.entity_id, \(unsafeRaw: day) ORDER BY 1, 2
                    """
                ).all()
            }
            for row in rows {
                let (year, month, dayOfMonth) = LocalTime.civil(try row.decode(column: "day", as: Int64.self))
                records.append(
                    AccountSnapshot.HistoryRecord(
                        entity: kind, sourceID: "\(try row.decode(column: "entity_id", as: Int64.self))",
                        day: String(format: "%04d%02d%02d", year, month, dayOfMonth), counts: try SQLStatsRepository.counts(row)))
            }
        }
        return records
    }
}

extension SnapshotReader {
    /// Every raw hit of the account, oldest first, a page at a time (an export of millions never holds them all).
    public func eachHit(_ body: (StoredHit) throws -> Void) async throws {
        let hits = SQLHitListRepository(database: database)
        var last: Int64 = 0
        while true {
            let page = try await hits.after(id: last, accountID: accountID, limit: 5_000)
            for hit in page { try body(hit) }
            guard let next = page.last?.id, page.count == 5_000 else { return }
            last = next
        }
    }
}
