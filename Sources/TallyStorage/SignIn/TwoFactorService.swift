import SQLKit
import TallyCore

/// TOTP two-factor sign-in: enrolment (a pending secret until a right code confirms it), checking a code or a
/// one-time recovery code, turning it off. Recovery codes are stored as hashes and shown once, at confirmation.
public struct TwoFactorService: Sendable {
    let database: any TallyDatabase
    public static let recoveryCodeCount = 10

    public init(database: any TallyDatabase) {
        self.database = database
    }

    /// A new secret waiting for its first code; replaces any earlier unconfirmed one.
    public func beginEnrolment(userID: Int64) async throws -> TOTP {
        let totp = TOTP.generate()
        try await database.transaction { db in
            try await db.update("users").set("totp_pending_secret", to: totp.base32).where("id", .equal, userID).run()
        }
        return totp
    }

    public func pendingSecret(userID: Int64) async throws -> TOTP? {
        try await database.read { db in
            try await db.select().column("totp_pending_secret").from("users").where("id", .equal, userID)
                .first(decodingColumn: "totp_pending_secret", as: String?.self)
        }.flatMap { $0 }.flatMap { TOTP(base32: $0) }
    }

    /// Turns two-factor on when `code` matches the pending secret; returns the recovery codes (their only showing).
    public func confirmEnrolment(userID: Int64, code: String, now: Int64) async throws -> [String] {
        guard let pending = try await pendingSecret(userID: userID), let step = pending.matchingStep(code, at: now, lastUsedStep: 0) else {
            throw ValidationError(field: "code", code: "totp_code_wrong", message: "that code does not match; check the phone's clock and try again")
        }
        let codes = (0..<Self.recoveryCodeCount).map { _ in SignInSecrets.recoveryCode() }
        try await database.transaction { db in
            try await db.update("users").set("totp_secret", to: pending.base32).set("totp_pending_secret", to: SQLLiteral.null)
                .set("totp_last_step", to: step).where("id", .equal, userID).run()
            try await db.delete(from: "recovery_codes").where("user_id", .equal, userID).run()
            for code in codes {
                try await db.insert(into: "recovery_codes").columns("user_id", "code_hash")
                    .values(userID, SignInSecrets.hash(SignInSecrets.normalisedRecoveryCode(code))).run()
            }
        }
        return codes
    }

    /// A six-digit code from the app (each step usable once) or an unused recovery code (then spent).
    public func verify(userID: Int64, code: String, now: Int64) async throws -> Bool {
        try await database.transaction { db in
            guard
                let row = try await db.select().columns("totp_secret", "totp_last_step").from("users").where("id", .equal, userID).first(),
                let secret = try row.decode(column: "totp_secret", as: String?.self), let totp = TOTP(base32: secret)
            else { return false }
            let lastStep = try row.decode(column: "totp_last_step", as: Int64.self)
            if let step = totp.matchingStep(code, at: now, lastUsedStep: lastStep) {
                try await db.update("users").set("totp_last_step", to: step).where("id", .equal, userID).run()
                return true
            }
            let normalised = SignInSecrets.normalisedRecoveryCode(code)
            guard normalised.count == 10 else { return false }
            let hash = SignInSecrets.hash(normalised)
            let spent = try await db.raw(
                """
                UPDATE recovery_codes SET used_at = \(bind: now) WHERE user_id = \(bind: userID) AND code_hash = \(bind: hash) \
                AND used_at IS NULL RETURNING id
                """
            ).first()
            return spent != nil
        }
    }

    public func isEnabled(userID: Int64) async throws -> Bool {
        try await database.read { db in
            try await db.select().column("totp_secret").from("users").where("id", .equal, userID)
                .first(decodingColumn: "totp_secret", as: String?.self)
        }.flatMap { $0 } != nil
    }

    public func recoveryCodesLeft(userID: Int64) async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = \(bind: userID) AND used_at IS NULL")
                .first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }

    public func disable(userID: Int64) async throws {
        try await database.transaction { db in
            try await db.update("users").set("totp_secret", to: SQLLiteral.null).set("totp_pending_secret", to: SQLLiteral.null)
                .where("id", .equal, userID).run()
            try await db.delete(from: "recovery_codes").where("user_id", .equal, userID).run()
        }
    }
}
