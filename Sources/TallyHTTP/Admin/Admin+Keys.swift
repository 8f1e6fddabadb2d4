import TallyCore
import TallyStorage

/// Users and API keys from the CLI: the same `AccountService` and `KeyService` the API uses.
extension Admin {
    /// `role`: default owner of a new account, member of an existing one.
    public func createUser(
        email: String, password: String, accountID: Int64?, role: DashboardRole? = nil, database: any TallyDatabase
    ) async throws -> User {
        try await prepareSchema(configuration: configuration, database: database, clock: clock, logger: logger)
        return try await AccountService(database: database).createUser(
            email: email, password: password, accountID: accountID, role: role, now: clock.now())
    }

    public struct KeyRequest: Sendable {
        public var email: String
        public var name: String
        public var scopes: String
        public var expiresIn: String?
        public var allowIP: [String] = []
        public var groups: [Int64] = []
        public var ratePerSecond: Int?
        public var burst: Int?
        public var format = APIKeyToken.Format.standard
        /// Named limits, each `name:requests:seconds` (e.g. `daily:50000:86400`).
        public var limits: [String] = []
        /// A usage-limited key's starting credits, and its refill (`1000/day`, `50000/month`).
        public var usage: Int64?
        public var refill: String?

        public init(email: String, name: String, scopes: String) {
            self.email = email
            self.name = name
            self.scopes = scopes
        }
    }

    /// The key and, once, its full text.
    public func createKey(_ request: KeyRequest, database: any TallyDatabase) async throws -> (key: APIKey, fullKey: String) {
        let keys = try await keyService(database)
        guard let user = try await AccountService(database: database).user(email: request.email) else {
            throw ValidationError(field: "email", code: "user_unknown", message: "no user with e-mail \(request.email)")
        }
        var new = KeyService.NewKey(name: request.name, scopes: try APIScopeSet.parse(request.scopes))
        new.allowedNetworks = try IPNetwork.parseList(request.allowIP.joined(separator: ","))
        new.groupIDs = request.groups
        if let rate = request.ratePerSecond { new.ratePerSecond = rate }
        if let burst = request.burst { new.burst = burst }
        new.format = request.format
        if !request.limits.isEmpty {
            new.limits = try request.limits.map { text throws(ValidationError) in
                guard let limit = KeyLimit.parse(text).first, !text.contains(",") else {
                    throw ValidationError(field: "limit", code: "limit_invalid", message: "--limit is name:requests:seconds, e.g. daily:50000:86400")
                }
                return limit
            }
        }
        if request.usage != nil || request.refill != nil {
            new.usage = try UsageLimit(remaining: request.usage, refill: try request.refill.map(Self.refill))
        }
        if let expiresIn = request.expiresIn { new.expiresAt = clock.now() + (try Self.milliseconds(expiresIn, field: "expires-in")) }
        return try await keys.create(new, accountID: user.accountID, by: .init(name: "cli \(user.email)"))
    }

    /// `1000/day`, `50000/month`.
    static func refill(_ text: String) throws(ValidationError) -> UsageRefill {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let amount = Int64(parts[0]), let period = UsageRefill.Period(rawValue: String(parts[1])) else {
            throw ValidationError(field: "refill", code: "usage_invalid", message: "--refill is an amount per day or month, e.g. 1000/day")
        }
        return try UsageRefill(amount: amount, period: period)
    }

    public func listKeys(email: String, database: any TallyDatabase) async throws -> [APIKey] {
        let keys = try await keyService(database)
        guard let user = try await AccountService(database: database).user(email: email) else {
            throw ValidationError(field: "email", code: "user_unknown", message: "no user with e-mail \(email)")
        }
        return try await keys.list(accountID: user.accountID)
    }

    public func showKey(publicID: String, database: any TallyDatabase) async throws -> APIKey {
        try await owned(publicID, database).key
    }

    public func rotateKey(publicID: String, grace: String, database: any TallyDatabase) async throws -> (key: APIKey, fullKey: String) {
        let (key, keys) = try await owned(publicID, database)
        return try await keys.rotate(
            publicID: publicID, accountID: key.accountID, graceMilliseconds: try Self.milliseconds(grace, field: "grace"), by: .init(name: "cli"))
    }

    public func revokeKey(publicID: String, database: any TallyDatabase) async throws -> APIKey {
        let (key, keys) = try await owned(publicID, database)
        return try await keys.revoke(publicID: publicID, accountID: key.accountID, by: .init(name: "cli"))
    }

    private func owned(_ publicID: String, _ database: any TallyDatabase) async throws -> (key: APIKey, keys: KeyService) {
        let keys = try await keyService(database)
        guard let key = try await SQLAPIKeyRepository(database: database).find(publicID: publicID) else {
            throw ValidationError(field: "id", code: "key_unknown", message: "no key with id \(publicID)")
        }
        return (key, keys)
    }

    private func keyService(_ database: any TallyDatabase) async throws -> KeyService {
        try await prepareSchema(configuration: configuration, database: database, clock: clock, logger: logger)
        let pepper = try KeyPepper.load(configured: configuration.keyPepper, dataDirectory: configuration.dataDirectory)
        return KeyService(database: database, hasher: APIKeyHasher(pepper: pepper), clock: clock)
    }

    /// `90d`, `24h`, `30m`, `45s` or `0`.
    static func milliseconds(_ text: String, field: String) throws(ValidationError) -> Int64 {
        if text == "0" { return 0 }
        let units: [Character: Int64] = ["d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Int64(text.dropLast()), count > 0, count < 100_000 else {
            throw ValidationError(field: field, code: "duration_invalid", message: "\(field) must look like 90d, 24h, 30m, 45s or 0")
        }
        return count * unit
    }
}
