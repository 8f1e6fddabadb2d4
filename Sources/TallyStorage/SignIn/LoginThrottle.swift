import Foundation
import SQLKit
import TallyCore

/// Sign-in attempts counted per subject — the account (e-mail), the client address (IPv6 per /64) and a user's
/// second factor, each on its own — in the database so that every node enforces the same limits. An attempt is
/// *taken* before the password or code is checked, by one conditional UPDATE per subject: fifty attempts sent at
/// once cannot all pass a check made before any of them was recorded. A right password gives the account's
/// attempts back (not the second factor's: knowing the password must not reset the code's count), a right code the
/// second factor's; the address keeps no attempt for a success.
public struct LoginThrottle: Sendable {
    public enum Subject: Sendable, Equatable {
        case account(email: String)
        case address(IPAddress?)
        case secondFactor(userID: Int64)

        var key: String {
            switch self {
            case .account(let email): "email:" + email.trimmingCharacters(in: .whitespaces).lowercased()
            case .address(let address?):
                switch address {
                case .v4: "ip:\(address)"
                // One client holds a whole /64: counting single IPv6 addresses would give it 2^64 tries.
                case .v6(let high, _): "ip:\(IPAddress.v6(high: high, low: 0))/64"
                }
            case .address(nil): "ip:unknown"
            case .secondFactor(let userID): "totp:\(userID)"
            }
        }
    }

    let database: any TallyDatabase
    public var windowMilliseconds: Int64 = 15 * 60_000
    public var perAccount = 5
    public var perAddress = 20
    public var perSecondFactor = 5

    public init(database: any TallyDatabase) {
        self.database = database
    }

    func limit(_ subject: Subject) -> Int {
        switch subject {
        case .account: perAccount
        case .address: perAddress
        case .secondFactor: perSecondFactor
        }
    }

    private struct Spent: Error {}

    /// Takes one attempt from every subject, all or none: `false` (nothing taken) when any has none left in its window.
    public func take(_ subjects: [Subject], now: Int64) async throws -> Bool {
        let expired = now - windowMilliseconds
        do {
            try await database.transaction { db in
                for subject in subjects {
                    let key = subject.key
                    try await db.raw(
                        "INSERT INTO login_attempts (subject, window_start, attempts) VALUES (\(bind: key), \(bind: now), 0) ON CONFLICT (subject) DO NOTHING"
                    ).run()
                    // A window that ended starts again with this attempt; otherwise one more, only while under the limit.
                    let taken = try await db.raw(
                        """
                        UPDATE login_attempts SET \
                        attempts = CASE WHEN window_start <= \(bind: expired) THEN 1 ELSE attempts + 1 END, \
                        window_start = CASE WHEN window_start <= \(bind: expired) THEN \(bind: now) ELSE window_start END \
                        WHERE subject = \(bind: key) AND (window_start <= \(bind: expired) OR attempts < \(bind: limit(subject))) RETURNING attempts
                        """
                    ).first()
                    if taken == nil { throw Spent() }
                }
            }
            return true
        } catch is Spent {
            return false
        }
    }

    /// A success: the subject's count starts again.
    public func clear(_ subject: Subject) async throws {
        let key = subject.key
        try await database.transaction { db in try await db.delete(from: "login_attempts").where("subject", .equal, key).run() }
    }

    /// A success from an address: the attempt it took is given back, so people signing in behind one address are not
    /// throttled by their own successes.
    public func giveBack(_ subject: Subject) async throws {
        let key = subject.key
        try await database.transaction { db in
            try await db.raw("UPDATE login_attempts SET attempts = attempts - 1 WHERE subject = \(bind: key) AND attempts > 0").run()
        }
    }

    /// How many attempts the subject has used in its current window (for tests and the dashboard).
    public func used(_ subject: Subject, now: Int64) async throws -> Int {
        let key = subject.key
        let expired = now - windowMilliseconds
        return try await database.read { db in
            try await db.raw("SELECT attempts FROM login_attempts WHERE subject = \(bind: key) AND window_start > \(bind: expired)")
                .first(decodingColumn: "attempts", as: Int.self) ?? 0
        }
    }
}
