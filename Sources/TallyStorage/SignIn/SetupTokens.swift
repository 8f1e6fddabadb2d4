import Crypto
import Foundation
import SQLKit

/// The first-run setup tokens, kept in the database (as SHA-256 hashes) so that the setup URL any node printed works on
/// every node behind the balancer. Each node that starts while no user exists adds its own token; creating the owner
/// spends them all at once (one DELETE: on two nodes at the same moment, one gets the tokens, the other none), so the
/// installation gets exactly one owner whichever URL and node were used.
public struct SetupTokens: Sendable {
    /// Tokens taken by a setup that then failed (a too-short password), to give back.
    public struct Spent: Sendable {
        let rows: [(hash: String, created: Int64)]
    }

    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public func add(_ token: String, now: Int64) async throws {
        try await database.read { db in
            try await db.raw("INSERT INTO setup_tokens (token_hash, created_ms) VALUES (\(bind: Self.hash(token)), \(bind: now))").run()
        }
    }

    /// Whether `token` opens setup: it is one of the tokens and still no user exists.
    public func isOpen(_ token: String) async throws -> Bool {
        guard !token.isEmpty else { return false }
        return try await database.read { db in
            try await db.raw(
                """
                SELECT COUNT(*) AS n FROM setup_tokens WHERE token_hash = \(bind: Self.hash(token)) \
                AND NOT EXISTS (SELECT 1 FROM users)
                """
            ).first(decodingColumn: "n", as: Int.self) == 1
        }
    }

    /// Spends every token when `token` is one of them and no user exists; `nil` (nothing spent) otherwise.
    public func spend(_ token: String) async throws -> Spent? {
        guard !token.isEmpty else { return nil }
        let hash = Self.hash(token)
        do {
            return try await database.transaction { db in
                let rows = try await db.raw("DELETE FROM setup_tokens RETURNING token_hash, created_ms").all().map {
                    (hash: try $0.decode(column: "token_hash", as: String.self), created: try $0.decode(column: "created_ms", as: Int64.self))
                }
                let users = try await db.raw("SELECT COUNT(*) AS n FROM users").first(decodingColumn: "n", as: Int.self) ?? 0
                guard users == 0, rows.contains(where: { $0.hash == hash }) else { throw NotSpent() }
                return Spent(rows: rows)
            }
        } catch is NotSpent {
            return nil
        }
    }

    /// Gives back what a failed setup spent (tokens added since stay).
    public func restore(_ spent: Spent) async throws {
        try await database.transaction { db in
            for row in spent.rows {
                try await db.raw(
                    """
                    INSERT INTO setup_tokens (token_hash, created_ms) VALUES (\(bind: row.hash), \(bind: row.created)) \
                    ON CONFLICT (token_hash) DO NOTHING
                    """
                ).run()
            }
        }
    }

    private struct NotSpent: Error {}
}
