import Crypto
import Foundation
import SQLKit
import TallyCore

/// TOTP two-factor sign-in: enrolment (a pending secret until a right code confirms it), checking a code or a
/// one-time recovery code, turning it off. Recovery codes are stored as HMAC-SHA256 under a key derived from the
/// server secret (a copy of the database alone cannot test guesses) and shown once, at confirmation.
public struct TwoFactorService: Sendable {
    let database: any TallyDatabase
    let recoveryKey: SymmetricKey
    /// TOTP secrets at rest: the server needs them in clear to check a code, a copy of the database must not hand them out.
    let sealer: SecretSealer
    public static let recoveryCodeCount = 10

    public init(database: any TallyDatabase, serverSecret: [UInt8]) {
        self.database = database
        let derived = HMAC<SHA256>.authenticationCode(for: Array("clicktally recovery codes v1".utf8), using: SymmetricKey(data: serverSecret))
        self.recoveryKey = SymmetricKey(data: Array(derived))
        self.sealer = SecretSealer(serverSecret: serverSecret, purpose: "totp secrets")
    }

    func seal(_ totp: TOTP) throws -> String { try sealer.seal(totp.base32) }

    func open(_ stored: String?) -> TOTP? { sealer.open(stored).flatMap { TOTP(base32: $0) } }

    /// What is stored for a recovery code (lower-case hex).
    public func recoveryHash(_ normalised: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(normalised.utf8), using: recoveryKey).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// A new secret waiting for its first code; replaces any earlier unconfirmed one.
    public func beginEnrolment(userID: Int64) async throws -> TOTP {
        let totp = TOTP.generate()
        let sealed = try seal(totp)
        try await database.transaction { db in
            try await db.update("users").set("totp_pending_secret", to: sealed).where("id", .equal, userID).run()
        }
        return totp
    }

    public func pendingSecret(userID: Int64) async throws -> TOTP? {
        try await database.read { db in
            try await db.select().column("totp_pending_secret").from("users").where("id", .equal, userID)
                .first(decodingColumn: "totp_pending_secret", as: String?.self)
        }.flatMap { open($0) }
    }

    /// Turns two-factor on when `code` matches the pending secret; returns the recovery codes (their only showing).
    public func confirmEnrolment(userID: Int64, code: String, now: Int64) async throws -> [String] {
        guard let pending = try await pendingSecret(userID: userID), let step = pending.matchingStep(code, at: now, lastUsedStep: 0) else {
            throw ValidationError(field: "code", code: "totp_code_wrong", message: "that code does not match; check the phone's clock and try again")
        }
        let codes = (0..<Self.recoveryCodeCount).map { _ in SignInSecrets.recoveryCode() }
        let hashes = codes.map { recoveryHash(SignInSecrets.normalisedRecoveryCode($0)) }
        let sealed = try seal(pending)
        try await database.transaction { db in
            try await db.update("users").set("totp_secret", to: sealed).set("totp_pending_secret", to: SQLLiteral.null)
                .set("totp_last_step", to: step).where("id", .equal, userID).run()
            try await db.delete(from: "recovery_codes").where("user_id", .equal, userID).run()
            for hash in hashes {
                try await db.insert(into: "recovery_codes").columns("user_id", "code_hash").values(userID, hash).run()
            }
        }
        return codes
    }

    /// A six-digit code from the app (each step usable once) or an unused recovery code (then spent). The step is
    /// spent by one conditional UPDATE, so the same code sent twice at once succeeds once.
    public func verify(userID: Int64, code: String, now: Int64) async throws -> Bool {
        let normalised = SignInSecrets.normalisedRecoveryCode(code)
        let hashes = [recoveryHash(normalised), SignInSecrets.hash(normalised)]
        return try await database.transaction { db in
            guard
                let row = try await db.select().columns("totp_secret", "totp_last_step").from("users").where("id", .equal, userID).first(),
                let totp = open(try row.decode(column: "totp_secret", as: String?.self))
            else { return false }
            let lastStep = try row.decode(column: "totp_last_step", as: Int64.self)
            if let step = totp.matchingStep(code, at: now, lastUsedStep: lastStep) {
                let spent = try await db.raw(
                    "UPDATE users SET totp_last_step = \(bind: step) WHERE id = \(bind: userID) AND totp_last_step < \(bind: step) RETURNING id"
                ).first()
                return spent != nil
            }
            guard normalised.count == 10 else { return false }
            // The second hash reads codes stored before they were keyed (plain SHA-256); a code still works only once.
            let spent = try await db.raw(
                """
                UPDATE recovery_codes SET used_at = \(bind: now) WHERE user_id = \(bind: userID) AND code_hash IN (\(bind: hashes[0]), \(bind: hashes[1])) \
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
