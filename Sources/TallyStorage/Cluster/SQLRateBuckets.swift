import SQLKit
import TallyCore

/// Token buckets in the database, shared by every node: a node takes a few tokens at a time (a lease) and spends them
/// from memory (`RateLimiter`), so a limit holds for the whole cluster at one round trip per lease, not per request.
/// The bucket refills as `TokenBucket` does (`rate` a second up to `burst`), starts full, and starts again full when
/// its limits change. A lease is one statement (an upsert that refills, takes and answers), so two nodes leasing at
/// once each get tokens that exist: the bucket never hands out more than it holds.
public struct SQLRateBuckets: Sendable {
    /// What a lease got: `granted` tokens (0 to the number asked), and what the bucket holds after it.
    public struct Lease: Sendable, Equatable {
        public let granted: Int
        public let tokensLeft: Double

        public init(granted: Int, tokensLeft: Double) {
            self.granted = granted
            self.tokensLeft = tokensLeft
        }
    }

    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    /// Takes up to `want` whole tokens from `name`'s bucket at `now` (ms). The rate is tokens a second, fractional for
    /// a limit such as 50,000 a day.
    public func lease(_ name: String, rate: Double, burst: Int, want: Int, now: Int64) async throws -> Lease {
        let postgres = database.kind == .postgres
        let least = postgres ? "LEAST" : "MIN"
        let greatest = postgres ? "GREATEST" : "MAX"
        // SQLite has no FLOOR without its math functions; the tokens are never negative, so truncation is the floor.
        func floor(_ value: String) -> String { postgres ? "FLOOR(\(value))" : "CAST(\(value) AS INTEGER)" }
        let refilled = """
            (CASE WHEN b.rate = excluded.rate AND b.burst = excluded.burst \
            THEN \(least)(excluded.burst, b.tokens + \(greatest)(0, excluded.updated_ms - b.updated_ms) * excluded.rate / 1000.0) \
            ELSE excluded.burst END)
            """
        // A millionth of a token of slack: the time a refused node waits for its next token is computed from the same
        // rate, and the sum at that moment may land a rounding error short of 1.
        let granted = "\(least)(\(want), \(floor(refilled + " + 0.000001")))"
        let first = min(want, burst)
        return try await database.read { db in
            let row = try await db.raw(
                """
                INSERT INTO rate_buckets AS b (name, rate, burst, tokens, updated_ms, granted) \
                VALUES (\(bind: name), \(bind: rate), \(bind: burst), \(bind: Double(burst - first)), \(bind: now), \(bind: first)) \
                ON CONFLICT (name) DO UPDATE SET tokens = \(unsafeRaw: refilled) - \(unsafeRaw: granted), \
                granted = \(unsafeRaw: granted), updated_ms = \(unsafeRaw: greatest)(b.updated_ms, excluded.updated_ms), \
                rate = excluded.rate, burst = excluded.burst \
                RETURNING granted, tokens
                """
            ).first()
            guard let row else { return Lease(granted: 0, tokensLeft: 0) }
            return Lease(granted: try row.decode(column: "granted", as: Int.self), tokensLeft: try row.decode(column: "tokens", as: Double.self))
        }
    }

    /// Deletes the buckets that are full again (nothing left to remember: a new one starts full); returns how many went.
    @discardableResult
    public func pruneFull(now: Int64) async throws -> Int {
        try await database.read { db in
            try await db.raw(
                "DELETE FROM rate_buckets WHERE tokens + (\(bind: now) - updated_ms) * rate / 1000.0 >= burst RETURNING name"
            ).all().count
        }
    }
}
