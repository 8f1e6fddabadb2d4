import SQLKit
import TallyCore

/// One conversion (a sale, a sign-up) as the pixel, the script or a server reported it.
public struct ConversionEvent: Sendable, Equatable {
    public var accountID: Int64
    public var conversionID: Int64
    /// The link whose click led here; `nil` when no attributable click was found (counted for the goal only).
    public var datapointID: Int64?
    public var clickID: Int64 = 0
    public var clickTime: Int64 = 0
    public var time: Int64
    public var value: Double
    public var commission: Double
    /// The free parameters the page passed, as a query string.
    public var parameters: String = ""
    /// The same key twice for one conversion counts once (server-to-server retries).
    public var idempotencyKey: String?
    /// `pixel`, `script` or `api`.
    public var origin: String
    public var ip: String = ""
    public var userAgent: String = ""

    public init(accountID: Int64, conversionID: Int64, datapointID: Int64?, time: Int64, value: Double, commission: Double, origin: String) {
        self.accountID = accountID
        self.conversionID = conversionID
        self.datapointID = datapointID
        self.time = time
        self.value = value
        self.commission = commission
        self.origin = origin
    }
}

/// Stores conversion events and adds them to the roll-ups in the same transaction.
public struct SQLConversionEventRepository: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    public enum Outcome: Sendable, Equatable {
        case recorded(id: Int64, unique: Bool, convertedClick: Bool)
        /// Its idempotency key was seen before for this conversion: nothing was counted.
        case duplicate
    }

    public func record(_ event: ConversionEvent, time local: LocalTime) async throws -> Outcome {
        let postgres = database.kind == .postgres
        return try await database.transaction { db in
            // As the hit writer does: a time-zone swap of this account (`StatsRebucketer`) is waited for, never met half-way.
            if postgres { try await db.raw("SELECT id FROM accounts WHERE id = \(bind: event.accountID) FOR KEY SHARE").run() }
            if let key = event.idempotencyKey,
                try await db.select().column("id").from("conversion_events").where("conversion_id", .equal, event.conversionID)
                    .where("idempotency_key", .equal, key).first() != nil
            {
                return .duplicate
            }
            var unique = true
            var convertsClick = false
            var groupID: Int64?
            if event.clickID != 0 {
                unique =
                    try await db.select().column("id").from("conversion_events").where("conversion_id", .equal, event.conversionID)
                    .where("click_id", .equal, event.clickID).limit(1).first() == nil
                convertsClick =
                    try await db.select().column("id").from("conversion_events").where("click_id", .equal, event.clickID).limit(1).first() == nil
            }
            if let datapointID = event.datapointID {
                groupID = try await db.select().column("group_id").from("datapoints").where("id", .equal, datapointID).first()?
                    .decode(column: "group_id", as: Int64?.self)
            }
            let inserted = try await db.raw(
                """
                INSERT INTO conversion_events (account_id, conversion_id, datapoint_id, click_id, click_time_ms, time_ms, value, commission, \
                parameters, idempotency_key, origin, ip, user_agent, is_unique, converts_click) VALUES (\(bind: event.accountID), \
                \(bind: event.conversionID), \(bind: event.datapointID), \(bind: event.clickID), \(bind: event.clickTime), \(bind: event.time), \
                \(bind: event.value), \(bind: event.commission), \(bind: event.parameters), \(bind: event.idempotencyKey), \(bind: event.origin), \
                \(bind: event.ip), \(bind: event.userAgent), \(bind: unique), \(bind: convertsClick)) \
                ON CONFLICT (conversion_id, idempotency_key) DO NOTHING RETURNING id
                """
            ).first(decodingColumn: "id", as: Int64.self)
            guard let id = inserted else { return .duplicate }
            try await WebhookOutbox.enqueue(
                accountID: event.accountID, event: .conversionCreated, subject: "conversion \(event.conversionID)",
                payload: WebhookPayloads.conversion(event, id: id, unique: unique), now: event.time, in: db)
            var counts = StatsCounts()
            counts.conversions = 1
            counts.uniqueConversions = unique ? 1 : 0
            counts.convertedClicks = convertsClick ? 1 : 0
            counts.conversionValue = event.value
            counts.commission = event.commission
            counts.lastHit = event.time
            var increments = StatsRollup.Increments()
            let hour = StatsRollup.hourStart(of: event.time)
            var entities: [(StatsEntity, Int64)] = [(.conversion, event.conversionID), (.account, event.accountID)]
            if let datapointID = event.datapointID { entities.append((.datapoint, datapointID)) }
            for (entity, entityID) in entities { increments.hours[.init(entity: entity, id: entityID, hour: hour)] = counts }
            let day = local.day(of: event.time)
            let byDatapoint = event.datapointID.map(String.init) ?? ""
            let byGroup = groupID.map(String.init) ?? ""
            increments.days[.init(entity: .conversion, id: event.conversionID, dimension: .datapoint, day: day, value: byDatapoint)] = counts
            increments.days[.init(entity: .conversion, id: event.conversionID, dimension: .group, day: day, value: byGroup)] = counts
            try await StatsUpserts.apply(increments, in: db)
            return .recorded(id: id, unique: unique, convertedClick: convertsClick)
        }
    }
}
