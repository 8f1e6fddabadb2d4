import Foundation
import SQLKit
import TallyCore

/// Failed sign-ins counted per account (e-mail) and per client address over a sliding window, in the database so
/// that every node enforces the same limit. A success clears the account's count, not the address's.
public struct LoginThrottle: Sendable {
    let database: any TallyDatabase
    public var windowMilliseconds: Int64 = 15 * 60_000
    public var perAccount = 5
    public var perAddress = 20

    public init(database: any TallyDatabase) {
        self.database = database
    }

    static func accountSubject(_ email: String) -> String { "email:" + email.trimmingCharacters(in: .whitespaces).lowercased() }
    static func addressSubject(_ ip: String) -> String { "ip:" + ip }

    /// Whether another attempt may be checked now.
    public func allows(email: String, clientIP: String, now: Int64) async throws -> Bool {
        let since = now - windowMilliseconds
        let (account, address) = (Self.accountSubject(email), Self.addressSubject(clientIP))
        return try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT subject, COUNT(*) AS n FROM login_failures WHERE subject IN (\(bind: account), \(bind: address)) \
                AND time_ms > \(bind: since) GROUP BY subject
                """
            ).all()
            for row in rows {
                let subject = try row.decode(column: "subject", as: String.self)
                let count = try row.decode(column: "n", as: Int.self)
                if subject == account, count >= perAccount { return false }
                if subject == address, count >= perAddress { return false }
            }
            return true
        }
    }

    public func recordFailure(email: String, clientIP: String, now: Int64) async throws {
        let cutoff = now - windowMilliseconds
        try await database.transaction { db in
            try await db.delete(from: "login_failures").where("time_ms", .lessThanOrEqual, cutoff).run()
            for subject in [Self.accountSubject(email), Self.addressSubject(clientIP)] {
                try await db.insert(into: "login_failures").columns("subject", "time_ms").values(subject, now).run()
            }
        }
    }

    public func recordSuccess(email: String) async throws {
        let subject = Self.accountSubject(email)
        try await database.transaction { db in try await db.delete(from: "login_failures").where("subject", .equal, subject).run() }
    }
}
