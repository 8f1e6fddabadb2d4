import SQLKit
import TallyCore

/// What usage-limited keys have left (`key_credits`). Spending is one conditional UPDATE that refills (when the key's
/// period has turned), takes one and answers what is left, or changes nothing when none is left: two requests on two
/// nodes can never spend the same credit, so the count is exact for the cluster. One round trip per request of such a
/// key, none for any other key.
public struct SQLKeyCredits: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    /// Spends one credit of `keyID` at `now`.
    public func spend(keyID: Int64, refill: UsageRefill?, now: Int64) async throws -> CreditSpend {
        // Without a refill the period never turns: no stored time is below -1.
        let periodStart = refill?.periodStart(at: now) ?? -1
        let amount = refill?.amount ?? 0
        let left = try await database.read { db in
            try await db.raw(
                """
                UPDATE key_credits SET \
                remaining = (CASE WHEN refilled_at < \(bind: periodStart) THEN \(bind: amount) ELSE remaining END) - 1, \
                refilled_at = (CASE WHEN refilled_at < \(bind: periodStart) THEN \(bind: periodStart) ELSE refilled_at END) \
                WHERE key_id = \(bind: keyID) \
                AND (CASE WHEN refilled_at < \(bind: periodStart) THEN \(bind: amount) ELSE remaining END) > 0 RETURNING remaining
                """
            ).first(decodingColumn: "remaining", as: Int64.self)
        }
        if let left { return .spent(remaining: left) }
        return .exhausted(refillAt: refill?.nextPeriod(after: now))
    }

    /// Sets what `keyID` has left (a new usage-limited key, or an administrator's change), as refilled at `now`.
    public func set(keyID: Int64, remaining: Int64, now: Int64, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO key_credits (key_id, remaining, refilled_at) VALUES (\(bind: keyID), \(bind: remaining), \(bind: now)) \
            ON CONFLICT (key_id) DO UPDATE SET remaining = excluded.remaining, refilled_at = excluded.refilled_at
            """
        ).run()
    }

    /// Moves `amount` credits out of `keyID` (a usage-limited key giving a new key part of its own): `false`, and nothing
    /// taken, when it has fewer.
    public func take(_ amount: Int64, from keyID: Int64, in db: any SQLDatabase) async throws -> Bool {
        try await db.raw(
            """
            UPDATE key_credits SET remaining = remaining - \(bind: amount) \
            WHERE key_id = \(bind: keyID) AND remaining >= \(bind: amount) RETURNING remaining
            """
        ).first() != nil
    }

    public func remove(keyID: Int64, in db: any SQLDatabase) async throws {
        try await db.delete(from: "key_credits").where("key_id", .equal, keyID).run()
    }
}
