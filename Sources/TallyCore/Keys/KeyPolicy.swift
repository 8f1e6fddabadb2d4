/// An account's rules for its keys' lifecycle, so the product does the remembering: a maximum key age with warnings
/// before it (and optionally the key expiring at it), reminders before a set expiry, and keys unused for a while
/// flagged — and optionally disabled until an administrator enables them again.
public struct KeyPolicy: Sendable, Equatable {
    /// Rotate at least this often (age of the key's current secret); `nil`: no rule.
    public var maxAgeDays: Int?
    /// Days before a rotation or an expiry is due at which to warn (e.g. 14, 7 and 1).
    public var warningDays: [Int]
    /// At its maximum age a key expires (rather than only being reported overdue).
    public var expireAtMaxAge: Bool
    /// A key unused this many days is stale; `nil`: no rule.
    public var staleDays: Int?
    /// A stale key is disabled (refused with `key_disabled`) until enabled again.
    public var disableStale: Bool

    public static let none = KeyPolicy(maxAgeDays: nil, warningDays: [14, 7, 1], expireAtMaxAge: false, staleDays: nil, disableStale: false)

    public init(maxAgeDays: Int?, warningDays: [Int], expireAtMaxAge: Bool, staleDays: Int?, disableStale: Bool) {
        self.maxAgeDays = maxAgeDays
        self.warningDays = warningDays
        self.expireAtMaxAge = expireAtMaxAge
        self.staleDays = staleDays
        self.disableStale = disableStale
    }

    public func validated() throws(ValidationError) -> KeyPolicy {
        if let maxAgeDays, !(1...3650).contains(maxAgeDays) {
            throw ValidationError(field: "maxAgeDays", code: "policy_invalid", message: "the maximum key age is 1 to 3650 days")
        }
        if let staleDays, !(1...3650).contains(staleDays) {
            throw ValidationError(field: "staleDays", code: "policy_invalid", message: "a key is stale after 1 to 3650 days")
        }
        guard warningDays.count <= 5, warningDays.allSatisfy({ (1...365).contains($0) }) else {
            throw ValidationError(field: "warningDays", code: "policy_invalid", message: "up to 5 warnings, each 1 to 365 days before")
        }
        guard !expireAtMaxAge || maxAgeDays != nil else {
            throw ValidationError(field: "expireAtMaxAge", code: "policy_invalid", message: "expiring at the maximum age needs a maximum age")
        }
        guard !disableStale || staleDays != nil else {
            throw ValidationError(field: "disableStale", code: "policy_invalid", message: "disabling stale keys needs a number of days")
        }
        var copy = self
        copy.warningDays = Array(Set(warningDays)).sorted(by: >)
        return copy
    }

    /// Something the policy says about a key now. `marker` names it uniquely for that key's current state (the
    /// secret's age, the expiry, the last use), so each is raised once: the sweeper records markers it has acted on.
    public struct Notice: Sendable, Equatable {
        public enum Kind: String, Sendable {
            case rotationDue = "rotation_due"
            case expiring
            case stale
        }

        public let kind: Kind
        public let marker: String
        public let message: String
        /// Set the key's expiry to this (rotation overdue with `expireAtMaxAge`).
        public var expireAt: Int64?
        /// Disable the key (stale with `disableStale`).
        public var disable = false
    }

    static let day: Int64 = 86_400_000

    /// When the key's current secret must be rotated by, if the policy says.
    public func rotationDue(secretCreatedAt: Int64) -> Int64? {
        maxAgeDays.map { secretCreatedAt + Int64($0) * Self.day }
    }

    /// The notices due for a live key at `now`: for each clock (rotation, expiry, staleness) only the latest threshold
    /// passed, so a server that was down across several warnings sends one, not a burst.
    public func notices(
        publicID: String, secretCreatedAt: Int64, expiresAt: Int64?, lastActiveAt: Int64, now: Int64
    ) -> [Notice] {
        var notices: [Notice] = []
        if let due = rotationDue(secretCreatedAt: secretCreatedAt) {
            if now >= due {
                var notice = Notice(
                    kind: .rotationDue, marker: "rotation:0:\(secretCreatedAt)",
                    message: "key \(publicID) is overdue for rotation (older than \(maxAgeDays!) days)"
                        + (expireAtMaxAge ? " and has expired" : ""))
                if expireAtMaxAge, (expiresAt ?? .max) > due { notice.expireAt = due }
                notices.append(notice)
            } else if let days = latestWarning(before: due, now: now) {
                notices.append(
                    Notice(
                        kind: .rotationDue, marker: "rotation:\(days):\(secretCreatedAt)",
                        message: "key \(publicID) is due for rotation within \(days) day\(days == 1 ? "" : "s")"))
            }
        }
        if let expiresAt, now < expiresAt, let days = latestWarning(before: expiresAt, now: now) {
            notices.append(
                Notice(
                    kind: .expiring, marker: "expiry:\(days):\(expiresAt)",
                    message: "key \(publicID) expires within \(days) day\(days == 1 ? "" : "s")"))
        }
        if let staleDays, now - lastActiveAt >= Int64(staleDays) * Self.day {
            notices.append(
                Notice(
                    kind: .stale, marker: "stale:\(lastActiveAt)",
                    message: "key \(publicID) has not been used for \(staleDays) days" + (disableStale ? " and was disabled" : ""),
                    disable: disableStale))
        }
        return notices
    }

    /// The smallest warning threshold already passed before `due`.
    func latestWarning(before due: Int64, now: Int64) -> Int? {
        warningDays.filter { now >= due - Int64($0) * Self.day }.min()
    }
}
