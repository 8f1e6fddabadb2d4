import Crypto
import Foundation
import SQLKit
import TallyCore

/// A signed-in person as a dashboard request sees them.
public struct DashboardSession: Sendable, Equatable {
    public let userID: Int64
    public let accountID: Int64
    public let email: String
    public let csrfToken: String
    /// False between the password and the second factor: such a session opens only the code page.
    public let secondFactorDone: Bool
    /// The user's role in the account, read with the session (a change applies at the next request).
    public let role: DashboardRole
    /// When this session last confirmed the password or a code (sign-in counts): the "sudo" window.
    public let confirmedAt: Int64
}

/// Dashboard sessions in the database (any node can answer any request). The cookie holds a random token; the
/// table holds its SHA-256, so a copy of the database signs nobody in.
public struct DashboardSessionStore: Sendable {
    let database: any TallyDatabase
    public static let lifetimeMilliseconds: Int64 = 12 * 3_600_000

    public init(database: any TallyDatabase) {
        self.database = database
    }

    /// A new session; the token goes into the cookie and nowhere else.
    public func create(userID: Int64, secondFactorDone: Bool, clientIP: String, now: Int64) async throws -> String {
        let token = SignInSecrets.token()
        let csrf = SignInSecrets.token()
        try await database.transaction { db in
            try await db.delete(from: "dashboard_sessions").where("expires_at", .lessThanOrEqual, now).run()
            try await db.insert(into: "dashboard_sessions")
                .columns("token_hash", "user_id", "csrf_token", "second_factor_done", "client_ip", "created_at", "expires_at", "confirmed_at")
                .values(SignInSecrets.hash(token), userID, csrf, secondFactorDone, clientIP, now, now + Self.lifetimeMilliseconds, now).run()
        }
        return token
    }

    public func find(token: String, now: Int64) async throws -> DashboardSession? {
        guard !token.isEmpty, token.utf8.count <= 64 else { return nil }
        let hash = SignInSecrets.hash(token)
        return try await database.read { db in
            let row = try await db.raw(
                """
                SELECT s.user_id, s.csrf_token, s.second_factor_done, s.confirmed_at, u.account_id, u.email, u.role \
                FROM dashboard_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = \(bind: hash) AND s.expires_at > \(bind: now)
                """
            ).first()
            guard let row else { return nil }
            return DashboardSession(
                userID: try row.decode(column: "user_id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64.self),
                email: try row.decode(column: "email", as: String.self), csrfToken: try row.decode(column: "csrf_token", as: String.self),
                secondFactorDone: try row.decode(column: "second_factor_done", as: Bool.self),
                // An unknown role (written by a newer version) grants the least.
                role: DashboardRole(rawValue: try row.decode(column: "role", as: String.self)) ?? .readOnly,
                confirmedAt: try row.decode(column: "confirmed_at", as: Int64.self))
        }
    }

    /// After a right code the half-open session becomes a full one, under a new token (no fixation).
    public func completeSecondFactor(token: String, clientIP: String, now: Int64) async throws -> String? {
        guard let session = try await find(token: token, now: now) else { return nil }
        try await delete(token: token)
        return try await create(userID: session.userID, secondFactorDone: true, clientIP: clientIP, now: now)
    }

    /// The user proved it is them again (password or code): sensitive actions are open for a while.
    public func confirm(token: String, now: Int64) async throws {
        let hash = SignInSecrets.hash(token)
        try await database.transaction { db in
            try await db.update("dashboard_sessions").set("confirmed_at", to: now).where("token_hash", .equal, hash).run()
        }
    }

    /// A one-time message for the next page (a new key's full text, recovery codes), kept between a POST and the
    /// GET it redirects to. Sealed with AES-GCM under a key derived from the session token, which the database
    /// never holds: a copy of the database cannot read it, and the first read erases it.
    public func setFlash(token: String, _ text: String) async throws {
        let sealed = try AES.GCM.seal(Data(text.utf8), using: Self.flashKey(token)).combined ?? Data()
        let hash = SignInSecrets.hash(token)
        try await database.transaction { db in
            try await db.update("dashboard_sessions").set("flash", to: sealed.base64EncodedString()).where("token_hash", .equal, hash).run()
        }
    }

    public func takeFlash(token: String) async throws -> String? {
        let hash = SignInSecrets.hash(token)
        let stored = try await database.transaction { db in
            let row = try await db.select().column("flash").from("dashboard_sessions").where("token_hash", .equal, hash).first()
            let flash = try row?.decode(column: "flash", as: String?.self) ?? nil
            if flash != nil {
                try await db.update("dashboard_sessions").set("flash", to: SQLLiteral.null).where("token_hash", .equal, hash).run()
            }
            return flash
        }
        guard let stored, let data = Data(base64Encoded: stored), let box = try? AES.GCM.SealedBox(combined: data),
            let opened = try? AES.GCM.open(box, using: Self.flashKey(token))
        else { return nil }
        return String(decoding: opened, as: UTF8.self)
    }

    static func flashKey(_ token: String) -> SymmetricKey {
        SymmetricKey(data: SHA256.hash(data: Data(("clicktally flash " + token).utf8)))
    }

    public func delete(token: String) async throws {
        let hash = SignInSecrets.hash(token)
        try await database.transaction { db in try await db.delete(from: "dashboard_sessions").where("token_hash", .equal, hash).run() }
    }

    /// Signs the user out everywhere but `keeping` (a password change, 2FA turned off).
    public func deleteAll(userID: Int64, keeping token: String? = nil) async throws {
        let kept = token.map(SignInSecrets.hash) ?? ""
        try await database.transaction { db in
            try await db.delete(from: "dashboard_sessions").where("user_id", .equal, userID).where("token_hash", .notEqual, kept).run()
        }
    }
}
