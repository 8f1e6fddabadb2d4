import Logging
import TallyCore
import TallyStorage

/// The one value the composition root builds: the repositories and everything the API's controllers, the dashboard,
/// tracking and the background services share (the datapoint cache, the lists kept in memory, keys, accounts, the
/// access rules of the ClickMeter routes). Built once per server by `make`; every dependency is passed at init.
struct TallyServices: Sendable {
    let database: any TallyDatabase
    let repositories: TallyRepositories
    let clock: WallClock
    let timers: ServiceTimers
    let logger: Logger
    let defaults: Bootstrap.Defaults
    let publicURL: String
    /// Served over built-in TLS (cookies `Secure`, HSTS).
    let tls: Bool

    // Tracking's memory: links, domains and the per-account lists, kept fresh by the refresher.
    let domains: DomainDirectory
    let cache: DatapointCache
    let blacklists: IPBlacklists
    let extras: LinkExtras
    let lists: ListMirror
    let buffer: HitBuffer
    let metrics: TallyMetrics

    // Keys, accounts and the dashboard's sign-in.
    let clickTokens: ClickTokenSigner
    let verifier: KeyVerifier
    let keys: KeyService
    let keyActivity: KeyActivity
    let failures: FailureCounter
    let accounts: AccountService
    let addresses: ClientAddressResolver
    /// What an account's webhook may point at.
    let outbound: OutboundPolicy
    /// The operator's `--alert-webhook-url`, if any.
    let alertWebhook: WebhookSender?
    let webhooks: AlertWebhooks
    /// The account's event webhooks and their outbox.
    let eventWebhooks: WebhookService
    /// `--github-scanning-keys`, read at start (a file that cannot be read stops the start, as a bad TLS file does).
    let githubScanningKeys: GitHubScanningKeys?
    let setup: SetupGate
    let sessions: DashboardSessionStore
    let throttle: LoginThrottle
    let twoFactor: TwoFactorService

    // Datapoints: writes, reads, and who may see what (decided once, in the access values).
    let datapoints: DatapointService
    let datapointQueries: DatapointQueries
    let datapointAccess: DatapointAccess
    let editor: DatapointEditor

    // Groups, tags, conversion goals and statistics: what the API's controllers and the dashboard both call (whose
    // object an id names is decided in each service's `owned`).
    let groups: GroupService
    let tags: TagService
    let conversions: ConversionService
    let stats: StatsQueries
    let accountLists: AccountListService
    let hits: HitQueries
    let guests: GuestService

    let groupAccess: GroupAccess
    let conversionAccess: ConversionAccess
    let subjects: StatsSubjects
    /// Live streams held open per key and per session on this node.
    let streams: LiveStreamSlots
    let rebucketer: StatsRebucketer
    /// Several nodes on PostgreSQL share their rate limits and rotator counters through it; one node keeps them in memory.
    let limiter: RateLimiter
    let sharedRotators: SharedRotatorPositions?
    let sharedBaselines: SharedRateBaselines?

    /// Opens nothing (the database is the caller's); reads what must be in memory before the first request: the
    /// installation's defaults, the domains, the hottest links and every account's lists.
    static func make(
        configuration: AppConfiguration, database: any TallyDatabase, clock: WallClock, timers: ServiceTimers, logger: Logger
    ) async throws -> TallyServices {
        let defaults = try await Bootstrap(database: database).ensureDefaults(
            systemDomainName: configuration.systemDomainName, now: clock.now())
        let anchors = PageAnchors(clock: clock)
        let repositories = TallyRepositories(database: database, anchors: anchors)
        let domains = DomainDirectory(systemDomain: defaults.systemDomain, domains: try await repositories.domains.all())
        let cache = DatapointCache(repository: repositories.datapoints, clock: clock, capacity: configuration.linkCacheCapacity)
        let warmed = try await cache.warm()
        logger.info("datapoint cache warmed", metadata: ["datapoints": "\(warmed)"])
        let blacklists = IPBlacklists()
        let extras = LinkExtras(retargeting: repositories.retargeting, lists: repositories.accountLists, conversions: repositories.conversions)
        let lists = ListMirror(
            versions: repositories.listVersions, lists: repositories.accountLists, domainRepository: repositories.domains,
            blacklists: blacklists, extras: extras, domains: domains)
        try await lists.loadAll()

        let serverSecret = try KeyPepper.load(configured: configuration.keyPepper, dataDirectory: configuration.dataDirectory)
        let hasher = APIKeyHasher(pepper: serverSecret)
        let accounts = AccountService(database: database, bcryptCost: UInt8(configuration.bcryptCost), serverSecret: serverSecret)
        let outbound = OutboundPolicy(allowLoopback: configuration.outboundAllowLoopback)
        let alertWebhook = try configuration.alertWebhookURL.map {
            WebhookSender(
                url: try OutboundURL($0, policy: .operatorConfigured), secret: configuration.alertWebhookSecret ?? "",
                policy: .operatorConfigured, logger: logger)
        }
        let keys = KeyService(database: database, hasher: hasher, clock: clock)
        let datapoints = DatapointService(
            repository: repositories.datapoints, trackingHosts: { domains.trackingHosts }, cache: cache, clock: clock, anchors: anchors,
            outbox: WebhookOutbox(database: database))
        let queries = DatapointQueries(repository: repositories.datapoints)
        let groups = GroupService(repository: repositories.groups, clock: clock)
        let tags = TagService(repository: repositories.tags)
        let conversions = ConversionService(repository: repositories.conversions, lists: lists, clock: clock)
        let datapointAccess = DatapointAccess(
            queries: queries, groups: groups, tags: tags, conversions: conversions, domains: domains, extras: extras,
            publicURL: configuration.publicURL)
        let groupAccess = GroupAccess(groups: groups)
        let clustered = database.kind == .postgres
        let conversionAccess = ConversionAccess(conversions: conversions)
        return TallyServices(
            database: database, repositories: repositories, clock: clock, timers: timers, logger: logger, defaults: defaults,
            publicURL: configuration.publicURL, tls: configuration.tlsEnabled,
            domains: domains, cache: cache, blacklists: blacklists, extras: extras, lists: lists,
            buffer: HitBuffer(capacity: configuration.hitBufferCapacity), metrics: TallyMetrics(),
            clickTokens: ClickTokenSigner(serverSecret: serverSecret),
            verifier: KeyVerifier(repository: repositories.keys, hasher: hasher, clock: clock),
            keys: keys,
            keyActivity: KeyActivity(events: repositories.keyEvents, clock: clock), failures: FailureCounter(events: repositories.keyEvents),
            accounts: accounts,
            // One resolver for the API, the dashboard, tracking and conversions: the same proxy rule everywhere.
            addresses: ClientAddressResolver(trustedProxies: configuration.trustedProxies, header: configuration.forwardedHeader),
            outbound: outbound, alertWebhook: alertWebhook,
            webhooks: AlertWebhooks(fallback: alertWebhook, accounts: accounts, policy: outbound, logger: logger),
            eventWebhooks: WebhookService(database: database, serverSecret: serverSecret, clock: clock),
            githubScanningKeys: try configuration.githubScanningKeysPath.map(GitHubScanningKeys.init(path:)),
            setup: try await SetupGate.make(database: database, open: try await accounts.userCount() == 0, now: clock.now()),
            sessions: DashboardSessionStore(database: database),
            throttle: LoginThrottle(database: database), twoFactor: TwoFactorService(database: database, serverSecret: serverSecret),
            datapoints: datapoints, datapointQueries: queries, datapointAccess: datapointAccess,
            editor: DatapointEditor(
                service: datapoints, groups: groups, domains: domains, retargeting: repositories.retargeting),
            groups: groups, tags: tags, conversions: conversions, stats: StatsQueries(stats: repositories.stats, datapoints: queries),
            accountLists: AccountListService(repository: repositories.accountLists, lists: lists, clock: clock),
            hits: HitQueries(repository: repositories.hitLists),
            guests: GuestService(
                repository: repositories.guests, keys: keys, datapoints: repositories.datapoints, groups: groups, clock: clock),
            groupAccess: groupAccess, conversionAccess: conversionAccess,
            subjects: StatsSubjects(datapoints: datapointAccess, groups: groupAccess, conversions: conversionAccess),
            streams: LiveStreamSlots(),
            rebucketer: StatsRebucketer(database: database, clock: clock, timer: timers.jobs, logger: logger),
            limiter: RateLimiter(shared: clustered ? SharedRateLimiter(database: database) : nil, logger: logger),
            sharedRotators: clustered ? SharedRotatorPositions(database: database) : nil,
            sharedBaselines: clustered ? SharedRateBaselines(database: database) : nil)
    }
}
