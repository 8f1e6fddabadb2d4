import SQLKit
import TallyCore

/// One stored hit as the hit lists and the clickstream show it.
public struct StoredHit: Sendable, Equatable {
    public var id: Int64
    public var datapointID: Int64
    public var time: Int64
    public var kind: HitKind
    public var ip: String
    public var userAgent: String
    public var referrer: String
    public var acceptLanguage: String
    public var query: String
    public var isUnique: Bool
    public var isSpider: Bool
    public var spiderReason: String
    public var country: String
    public var region: String
    public var city: String
    public var browser: String
    public var browserVersion: String
    public var os: String
    public var osVersion: String
    public var deviceType: String
    public var referrerDomain: String
    public var source: String
    public var language: String
    public var clickID: Int64
}

/// A conversion as it appears on the click that led to it.
public struct ClickConversion: Sendable, Equatable {
    public let conversionID: Int64
    public let time: Int64
    public let value: Double
    public let commission: Double
    public let parameters: String
}

/// ClickMeter's four click classes (`filter` on hit lists and the clickstream).
public enum HitFilter: String, Sendable, CaseIterable {
    case uniques, spiders, nonuniques, conversions
}

/// Where a page of hits ends: the next page starts after it (newest first). Opaque to clients (`lastKey`).
public struct HitCursor: Sendable, Equatable {
    public let time: Int64
    public let id: Int64

    public init(time: Int64, id: Int64) {
        self.time = time
        self.id = id
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let time = Int64(parts[0]), let id = Int64(parts[1]), time >= 0, id >= 0 else { return nil }
        self.init(time: time, id: id)
    }

    public var text: String { "\(time)-\(id)" }
}

/// Pages of raw hits, newest first, by account, datapoints or conversion.
public struct SQLHitListRepository: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    public enum Owner: Sendable {
        case account(Int64)
        case datapoints([Int64])
        /// The hits of the datapoints a query picks (a group's, or those a limited key or a guest may read).
        case matching(DatapointQuery)
        /// The clicks that led to this conversion (within the account); `within`: only of the datapoints this query
        /// picks (what a group-limited key or a guest may read), `nil` for the whole account.
        case conversion(Int64, accountID: Int64, within: DatapointQuery?)
    }

    static let columns = """
        id, datapoint_id, time_ms, kind, ip, user_agent, referrer, accept_language, query, is_unique, is_spider, spider_reason, country, \
        region, city, browser, browser_version, os, os_version, device_type, referrer_domain, source, language, click_id
        """

    public func page(
        _ owner: Owner, from: Int64, to: Int64, filter: HitFilter?, after cursor: HitCursor?, limit: Int
    ) async throws -> [StoredHit] {
        var query = SQLQueryString("SELECT \(unsafeRaw: Self.columns) FROM hits WHERE time_ms >= \(bind: from) AND time_ms < \(bind: to)")
        switch owner {
        case .account(let id): query.appendInterpolation(unsafeRaw: " AND account_id = "); query.appendInterpolation(bind: id)
        case .datapoints(let ids):
            guard !ids.isEmpty else { return [] }
            query.appendInterpolation(unsafeRaw: " AND datapoint_id IN ")
            query.appendInterpolation(SQLBind.group(ids))
        case .matching(let chosen):
            query += " AND account_id = \(bind: chosen.accountID) AND datapoint_id IN (SELECT id FROM datapoints WHERE "
            query += "\(SQLDatapointRepository.predicate(chosen, database.kind)))"
        case .conversion(let id, let accountID, let within):
            query.appendInterpolation(unsafeRaw: " AND account_id = ")
            query.appendInterpolation(bind: accountID)
            if let within {
                query += " AND datapoint_id IN (SELECT id FROM datapoints WHERE \(SQLDatapointRepository.predicate(within, database.kind)))"
            }
            query.appendInterpolation(unsafeRaw: " AND click_id <> 0 AND click_id IN (SELECT click_id FROM conversion_events WHERE conversion_id = ")
            query.appendInterpolation(bind: id)
            query.appendInterpolation(unsafeRaw: ")")
        }
        switch filter {
        case nil: break
        case .uniques: query.appendInterpolation(unsafeRaw: " AND is_unique = TRUE")
        case .spiders: query.appendInterpolation(unsafeRaw: " AND is_spider = TRUE")
        case .nonuniques: query.appendInterpolation(unsafeRaw: " AND is_unique = FALSE AND is_spider = FALSE")
        case .conversions:
            query.appendInterpolation(unsafeRaw: " AND click_id <> 0 AND EXISTS (SELECT 1 FROM conversion_events e WHERE e.click_id = hits.click_id)")
        }
        if let cursor {
            query.appendInterpolation(unsafeRaw: " AND (time_ms < ")
            query.appendInterpolation(bind: cursor.time)
            query.appendInterpolation(unsafeRaw: " OR (time_ms = ")
            query.appendInterpolation(bind: cursor.time)
            query.appendInterpolation(unsafeRaw: " AND id < ")
            query.appendInterpolation(bind: cursor.id)
            query.appendInterpolation(unsafeRaw: "))")
        }
        query.appendInterpolation(unsafeRaw: " ORDER BY time_ms DESC, id DESC LIMIT ")
        query.appendInterpolation(bind: limit)
        let finished = query
        return try await database.read { db in try await db.raw(finished).all().map(Self.hit) }
    }

    /// Hits of the account stored after hit `id`, oldest first (the live clickstream follows the table by id).
    public func after(id: Int64, accountID: Int64, limit: Int) async throws -> [StoredHit] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT \(unsafeRaw: Self.columns) FROM hits WHERE id > \(bind: id) AND account_id = \(bind: accountID) ORDER BY id LIMIT \(bind: limit)
                """
            ).all().map(Self.hit)
        }
    }

    public func latestID() async throws -> Int64 {
        try await database.read { db in
            try await db.raw("SELECT MAX(id) AS n FROM hits").first(decodingColumn: "n", as: Int64?.self) ?? 0
        } ?? 0
    }

    /// The conversions each click led to, in the order they happened.
    public func conversions(ofClicks clickIDs: [Int64]) async throws -> [Int64: [ClickConversion]] {
        let ids = Array(Set(clickIDs.filter { $0 != 0 })).sorted()
        guard !ids.isEmpty else { return [:] }
        return try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT click_id, conversion_id, time_ms, value, commission, parameters FROM conversion_events \
                WHERE click_id IN \(SQLBind.group(ids)) ORDER BY id
                """
            ).all()
            var result: [Int64: [ClickConversion]] = [:]
            for row in rows {
                result[try row.decode(column: "click_id", as: Int64.self), default: []].append(
                    ClickConversion(
                        conversionID: try row.decode(column: "conversion_id", as: Int64.self),
                        time: try row.decode(column: "time_ms", as: Int64.self),
                        value: try row.decode(column: "value", as: Double.self), commission: try row.decode(column: "commission", as: Double.self),
                        parameters: try row.decode(column: "parameters", as: String.self)))
            }
            return result
        }
    }

    static func hit(_ row: any SQLRow) throws -> StoredHit {
        func text(_ column: String) throws -> String { try row.decode(column: column, as: String?.self) ?? "" }
        return StoredHit(
            id: try row.decode(column: "id", as: Int64.self), datapointID: try row.decode(column: "datapoint_id", as: Int64.self),
            time: try row.decode(column: "time_ms", as: Int64.self), kind: HitKind(rawValue: try row.decode(column: "kind", as: Int.self)) ?? .click,
            ip: try text("ip"), userAgent: try text("user_agent"), referrer: try text("referrer"), acceptLanguage: try text("accept_language"),
            query: try text("query"), isUnique: try row.decode(column: "is_unique", as: Bool.self),
            isSpider: try row.decode(column: "is_spider", as: Bool.self),
            spiderReason: try text("spider_reason"), country: try text("country"), region: try text("region"), city: try text("city"),
            browser: try text("browser"), browserVersion: try text("browser_version"), os: try text("os"), osVersion: try text("os_version"),
            deviceType: try text("device_type"), referrerDomain: try text("referrer_domain"), source: try text("source"),
            language: try text("language"), clickID: try row.decode(column: "click_id", as: Int64.self))
    }
}
