import Foundation
import HummingbirdBcrypt
import NIOPosix
import SQLKit
import Synchronization
import TallyCore

/// Users and their accounts. Passwords are hashed with bcrypt on NIO's blocking thread pool: a cost-12 hash
/// takes a quarter of a second, which must not stall the cooperative pool (the event loops, in `serve`).
public struct AccountService: Sendable {
    let database: any TallyDatabase
    let bcryptCost: UInt8

    /// Seals the account webhook's signing secret at rest; `nil` (tools and tests that set no webhook) stores it as given.
    let webhookSealer: SecretSealer?

    public init(database: any TallyDatabase, bcryptCost: UInt8 = 12, serverSecret: [UInt8]? = nil) {
        self.database = database
        self.bcryptCost = bcryptCost
        self.webhookSealer = serverSecret.map { SecretSealer(serverSecret: $0, purpose: "webhook secrets") }
    }

    public static let minimumPasswordLength = 10

    /// Creates the user with an account of its own, or in `accountID` when given.
    /// A user in their own new account (its owner), or in account `accountID` with `role` (default: member).
    public func createUser(email: String, password: String, accountID: Int64? = nil, role: DashboardRole? = nil, now: Int64) async throws -> User {
        let role = role ?? (accountID == nil ? .owner : .member)
        let email = try Self.normalisedEmail(email)
        guard password.count >= Self.minimumPasswordLength else {
            throw ValidationError(
                field: "password", code: "password_too_short", message: "password must be at least \(Self.minimumPasswordLength) characters")
        }
        let cost = bcryptCost
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        return try await database.transaction { db in
            if try await db.select().column("id").from("users").where("email", .equal, email).first() != nil {
                throw ValidationError(field: "email", code: "email_taken", message: "a user with this e-mail already exists")
            }
            let account: Int64
            if let accountID {
                guard try await db.select().column("id").from("accounts").where("id", .equal, accountID).first() != nil else {
                    throw ValidationError(field: "account", code: "account_unknown", message: "no account \(accountID)")
                }
                account = accountID
            } else {
                guard
                    let id = try await db.insert(into: "accounts").columns("name", "created_at").values(email, now).returning("id")
                        .first(decodingColumn: "id", as: Int64.self)
                else { throw StorageError.missingInsertID(table: "accounts") }
                account = id
            }
            guard
                let id = try await db.insert(into: "users").columns("account_id", "email", "password_hash", "created_at", "role")
                    .values(account, email, hash, now, role.rawValue).returning("id").first(decodingColumn: "id", as: Int64.self)
            else { throw StorageError.missingInsertID(table: "users") }
            return User(id: id, accountID: account, email: email)
        }
    }

    public func user(email: String) async throws -> User? {
        let email = email.lowercased()
        return try await database.read { db in
            try await db.select().columns("id", "account_id", "email").from("users").where("email", .equal, email).first().map { row in
                User(
                    id: try row.decode(column: "id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64.self),
                    email: try row.decode(column: "email", as: String.self))
            }
        }
    }

    /// The user when the password is right. The same answer (nil) for an unknown e-mail and a wrong password,
    /// and a bcrypt check in both cases, so timing does not tell them apart.
    public func authenticate(email: String, password: String) async throws -> User? {
        let email = email.lowercased()
        let row = try await database.read { db in
            try await db.select().columns("id", "account_id", "email", "password_hash").from("users").where("email", .equal, email).first()
        }
        let stored = try row?.decode(column: "password_hash", as: String?.self)
        // The dummy hash is made (once) on the pool too, as is every bcrypt computation.
        let cost = bcryptCost
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: stored ?? Self.dummyHash(cost: cost)) }
        guard matches, let row else { return nil }
        return User(
            id: try row.decode(column: "id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64.self),
            email: try row.decode(column: "email", as: String.self))
    }

    public func changePassword(userID: Int64, to password: String) async throws {
        guard password.count >= Self.minimumPasswordLength else {
            throw ValidationError(
                field: "password", code: "password_too_short", message: "password must be at least \(Self.minimumPasswordLength) characters")
        }
        let cost = bcryptCost
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        try await database.transaction { db in try await db.update("users").set("password_hash", to: hash).where("id", .equal, userID).run() }
    }

    public func users(accountID: Int64) async throws -> [(user: User, role: DashboardRole)] {
        try await database.read { db in
            try await db.select().columns("id", "account_id", "email", "role").from("users").where("account_id", .equal, accountID).orderBy("id")
                .all().map { row in
                    (
                        User(
                            id: try row.decode(column: "id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64.self),
                            email: try row.decode(column: "email", as: String.self)),
                        DashboardRole(rawValue: try row.decode(column: "role", as: String.self)) ?? .readOnly
                    )
                }
        }
    }

    /// The account's own alert webhook: URL and signing secret (the secret is needed in clear to sign; it is never shown).
    public func alertWebhook(accountID: Int64) async throws -> (url: String, secret: String)? {
        try await database.read { db in
            guard
                let row = try await db.select().columns("alert_webhook_url", "alert_webhook_secret").from("accounts").where("id", .equal, accountID)
                    .first(),
                let url = try row.decode(column: "alert_webhook_url", as: String?.self),
                let stored = try row.decode(column: "alert_webhook_secret", as: String?.self),
                let secret = webhookSealer.map({ $0.open(stored) }) ?? stored
            else { return nil }
            return (url, secret)
        }
    }

    /// `nil` removes it.
    public func setAlertWebhook(accountID: Int64, url: String?, secret: String?) async throws {
        let secret = try secret.map { plain in try webhookSealer?.seal(plain) ?? plain }
        try await database.transaction { db in
            try await db.update("accounts").set("alert_webhook_url", to: url.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
                .set("alert_webhook_secret", to: secret.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null).where("id", .equal, accountID)
                .run()
        }
    }

    public func userCount() async throws -> Int {
        try await database.read { db in try await db.raw("SELECT COUNT(*) AS n FROM users").first(decodingColumn: "n", as: Int.self) ?? 0 }
    }

    /// One per cost, made once: an unknown e-mail costs the same bcrypt work as a known one at the configured cost.
    static let dummyHashes = Mutex<[UInt8: String]>([:])

    static func dummyHash(cost: UInt8) -> String {
        if let hash = dummyHashes.withLock({ $0[cost] }) { return hash }
        let hash = Bcrypt.hash("not a password of anyone", cost: cost)
        dummyHashes.withLock { $0[cost] = hash }
        return hash
    }

    static func normalisedEmail(_ email: String) throws(ValidationError) -> String {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(" "), email.utf8.count <= 254 else {
            throw ValidationError(field: "email", code: "email_invalid", message: "not a valid e-mail address")
        }
        return email
    }
}
