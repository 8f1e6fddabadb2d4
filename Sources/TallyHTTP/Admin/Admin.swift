import Logging
import TallyCore
import TallyStorage

/// What the admin CLI does, as plain functions over the same storage code the server uses.
/// The executable only parses arguments and prints; tests call these directly.
public struct Admin: Sendable {
    public let configuration: AppConfiguration
    public let clock: WallClock
    public let logger: Logger
    /// Whose links the link commands act on.
    public var account: AccountChoice = .defaultAccount

    /// The default account exists from the first start (links made before any user was); `email` and `id`
    /// choose a user's account.
    public enum AccountChoice: Sendable, Equatable {
        case defaultAccount
        case email(String)
        case id(Int64)
    }

    public init(configuration: AppConfiguration, clock: WallClock = .system, logger: Logger, account: AccountChoice = .defaultAccount) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.account = account
    }

    /// A datapoint with the URL people use for it.
    public struct Listed: Sendable, Equatable {
        public let datapoint: Datapoint
        public let trackingCode: String
    }

    public func migrate(dryRun: Bool, database: any TallyDatabase) async throws -> [Migration] {
        try await MigrationRunner(database: database).migrate(dryRun: dryRun, now: clock.now())
    }

    public func createLink(_ request: DatapointService.CreateRequest, database: any TallyDatabase) async throws -> Listed {
        let context = try await prepare(database)
        let datapoint = try await context.service.create(accountID: context.accountID, domain: context.defaults.systemDomain, request)
        return listed(datapoint, context.defaults)
    }

    /// Creates one link per line of `lines` (`destination [name]`); blank lines and `#` comments are skipped.
    /// Stops at the first bad line, naming it; the links before it stay created.
    public func importLinks(_ lines: [String], database: any TallyDatabase) async throws -> Int {
        let context = try await prepare(database)
        var created = 0
        for (index, line) in lines.enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
            guard let destination = fields.first, !destination.hasPrefix("#") else { continue }
            do {
                _ = try await context.service.create(
                    accountID: context.accountID, domain: context.defaults.systemDomain,
                    .init(destination: destination, name: fields.count > 1 ? fields[1] : nil))
            } catch let error as ValidationError {
                throw ValidationError(field: error.field, code: error.code, message: "line \(index + 1): \(error.message)")
            }
            created += 1
        }
        return created
    }

    public func listLinks(includeDeleted: Bool, database: any TallyDatabase) async throws -> [Listed] {
        let context = try await prepare(database)
        var statuses: Set<DatapointStatus> = [.active, .paused, .abuse]
        if includeDeleted { statuses.insert(.deleted) }
        return try await SQLDatapointRepository(database: database).list(accountID: context.accountID, statuses: statuses)
            .map { listed($0, context.defaults) }
    }

    /// Pauses, resumes or deletes the datapoint called `name` on the system domain.
    public func setStatus(name: String, to status: DatapointStatus, database: any TallyDatabase) async throws -> Listed {
        let context = try await prepare(database)
        let repository = SQLDatapointRepository(database: database)
        guard let found = try await repository.find(domainID: context.defaults.systemDomain.id, name: name), found.accountID == context.accountID
        else {
            throw ValidationError(field: "name", code: "datapoint_not_found", message: "no datapoint is called '\(name)'")
        }
        guard let updated = try await context.service.setStatus(id: found.id, to: status) else {
            throw ValidationError(field: "name", code: "datapoint_not_found", message: "no datapoint is called '\(name)'")
        }
        return listed(updated, context.defaults)
    }

    struct Context {
        let defaults: Bootstrap.Defaults
        let service: DatapointService
        let accountID: Int64
    }

    func prepare(_ database: any TallyDatabase) async throws -> Context {
        try await prepareSchema(configuration: configuration, database: database, clock: clock, logger: logger)
        let defaults = try await Bootstrap(database: database).ensureDefaults(
            systemDomainName: configuration.systemDomainName, now: clock.now())
        let domains = DomainDirectory(systemDomain: defaults.systemDomain, domains: try await SQLDomainRepository(database: database).all())
        let service = DatapointService(
            repository: SQLDatapointRepository(database: database), trackingHosts: { domains.trackingHosts }, clock: clock)
        let accountID: Int64
        switch account {
        case .defaultAccount:
            accountID = defaults.accountID
        case .email(let email):
            guard let user = try await AccountService(database: database).user(email: email) else {
                throw ValidationError(field: "email", code: "user_unknown", message: "no user with e-mail \(email)")
            }
            accountID = user.accountID
        case .id(let id):
            guard try await SQLAccountProfileRepository(database: database).exists(accountID: id) else {
                throw ValidationError(field: "account", code: "account_unknown", message: "no account \(id)")
            }
            accountID = id
        }
        return Context(defaults: defaults, service: service, accountID: accountID)
    }

    private func listed(_ datapoint: Datapoint, _ defaults: Bootstrap.Defaults) -> Listed {
        Listed(
            datapoint: datapoint,
            trackingCode: TrackingCode.url(publicURL: configuration.publicURL, domain: defaults.systemDomain, name: datapoint.name))
    }
}
