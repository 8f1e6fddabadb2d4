import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import TallyCore
import TallyStorage

/// A built server and the parts tests and the CLI reach into.
public struct TallyServer: Sendable {
    public let application: Application<TallyResponder>
    public let defaults: Bootstrap.Defaults
    public let datapoints: DatapointService
    public let keys: KeyService
    /// Every `/v2` route with the scope it declared, and every route the router knows (for the test that
    /// no API route goes unguarded).
    public let apiRoutes: APIRouteCatalogue
    public let routerRoutes: [String]
    /// While no user exists: the token of the one-time setup URL (`/dashboard/setup?token=…`), printed by `serve`.
    public var setupToken: String? { setup.currentToken }
    let setup: SetupGate
    /// The dashboard's sign-in throttle and the clock it runs on (tests read the counts).
    let dashboardThrottle: LoginThrottle
    /// The API's count of refusals that named no key (tests flush it).
    let failures: FailureCounter
    /// Live streams open per key and per session on this node.
    let streams: LiveStreamSlots
    /// Time-zone changes re-bucketed in the background (tests hold one half-way).
    public let rebucketer: StatsRebucketer
    let clock: WallClock
}

/// The composition root. The database is opened and kept running by the caller (so a test can look at
/// it before and after); everything else is made here.
public func buildApplication(
    configuration: AppConfiguration, database: any TallyDatabase, clock: WallClock = .system, timers: ServiceTimers = .system,
    logger: Logger, onListening: @escaping @Sendable (_ port: Int) -> Void = { _ in }
) async throws -> TallyServer {
    try await prepareSchema(configuration: configuration, database: database, clock: clock, logger: logger)
    let defaults = try await Bootstrap(database: database).ensureDefaults(
        systemDomainName: configuration.systemDomainName, now: clock.now())
    let domainRepository = SQLDomainRepository(database: database)
    let domains = DomainDirectory(systemDomain: defaults.systemDomain, domains: try await domainRepository.all())
    let anchors = PageAnchors(clock: clock)
    let repository = SQLDatapointRepository(database: database, anchors: anchors)
    let cache = DatapointCache(repository: repository, clock: clock)
    let warmed = try await cache.warm()
    logger.info("datapoint cache warmed", metadata: ["datapoints": "\(warmed)"])
    let accountLists = SQLAccountListRepository(database: database)
    let blacklists = IPBlacklists()
    let retargeting = SQLRetargetingRepository(database: database)
    let extras = LinkExtras(retargeting: retargeting, lists: accountLists, conversions: SQLConversionRepository(database: database))
    let lists = ListMirror(
        versions: SQLListVersionRepository(database: database), lists: accountLists, domainRepository: domainRepository,
        blacklists: blacklists, extras: extras, domains: domains)
    try await lists.loadAll()
    let buffer = HitBuffer(capacity: configuration.hitBufferCapacity)
    let metrics = TallyMetrics()

    let router = Router(context: TallyRequestContext.self)
    OperabilityController(database: database, buffer: buffer, metrics: metrics, clock: clock).addRoutes(to: router)
    let serverSecret = try KeyPepper.load(configured: configuration.keyPepper, dataDirectory: configuration.dataDirectory)
    let hasher = APIKeyHasher(pepper: serverSecret)
    let clickTokens = ClickTokenSigner(serverSecret: serverSecret)
    let keyRepository = SQLAPIKeyRepository(database: database)
    let keyEvents = SQLKeyEventRepository(database: database)
    let verifier = KeyVerifier(repository: keyRepository, hasher: hasher, clock: clock)
    let keys = KeyService(database: database, hasher: hasher, clock: clock)
    let catalogue = APIRouteCatalogue()
    let guests = SQLGuestRepository(database: database)
    let failures = FailureCounter(events: keyEvents)
    let outbound = OutboundPolicy(allowLoopback: configuration.outboundAllowLoopback)
    let webhook = try configuration.alertWebhookURL.map {
        WebhookSender(
            url: try OutboundURL($0, policy: .operatorConfigured), secret: configuration.alertWebhookSecret ?? "", policy: .operatorConfigured,
            logger: logger)
    }
    let accounts = AccountService(database: database, bcryptCost: UInt8(configuration.bcryptCost), serverSecret: serverSecret)
    // One resolver for the API, the dashboard, tracking and conversions: the same proxy rule everywhere.
    let addresses = ClientAddressResolver(trustedProxies: configuration.trustedProxies, header: configuration.forwardedHeader)
    let webhooks = AlertWebhooks(fallback: webhook, accounts: accounts, policy: outbound, logger: logger)
    let v2 = router.group("v2").add(
        middleware: APIKeyMiddleware(
            verifier: verifier, keys: keyRepository, events: keyEvents, failures: failures, guests: guests, catalogue: catalogue,
            addresses: addresses,
            allowQueryKeys: configuration.allowQueryKeys, clock: clock, watch: UsageWatch(events: keyEvents), webhooks: webhooks,
            failureBurst: configuration.authFailureBurst, tls: configuration.tlsEnabled))
    let api = APIRoutes(group: v2, catalogue: catalogue)
    KeysController(service: keys, verifier: verifier, events: keyEvents, clock: clock, webhooks: webhooks).addRoutes(to: api)
    let service = DatapointService(
        repository: repository, trackingHosts: { domains.trackingHosts }, cache: cache, clock: clock, anchors: anchors)
    let groups = SQLGroupRepository(database: database)
    let tagRepository = SQLTagRepository(database: database)
    let conversions = SQLConversionRepository(database: database)
    // What the ClickMeter controllers share: who may see which datapoint, group and goal, decided once here.
    let datapointAccess = DatapointAccess(
        repository: repository, groups: groups, tags: tagRepository, conversions: conversions, domains: domains, extras: extras,
        publicURL: configuration.publicURL)
    let editor = DatapointEditor(service: service, repository: repository, groups: groups, domains: domains, retargeting: retargeting)
    let groupAccess = GroupAccess(groups: groups)
    let conversionAccess = ConversionAccess(repository: conversions)
    let stats = SQLStatsRepository(database: database)
    let subjects = StatsSubjects(datapoints: datapointAccess, groups: groupAccess, conversions: conversionAccess)
    let datapointsAPI = DatapointsController(service: service, access: datapointAccess, editor: editor)
    datapointsAPI.addRoutes(to: api)
    datapointsAPI.addLinkAliases(to: api)
    datapointsAPI.addBatchRoutes(to: api)
    ConversionsController(repository: conversions, access: conversionAccess, datapoints: datapointAccess, lists: lists, clock: clock)
        .addRoutes(to: api)
    RetargetingController(repository: retargeting, datapoints: datapointAccess, service: service, lists: lists, clock: clock).addRoutes(to: api)
    GroupsController(groups: groups, access: groupAccess, datapoints: datapointAccess, editor: editor, guests: guests, clock: clock)
        .addRoutes(to: api)
    StatsController(stats: stats, subjects: subjects, clock: clock).addRoutes(to: api)
    ReportsController(stats: stats, subjects: subjects, clock: clock).addRoutes(to: api)
    let streams = LiveStreamSlots()
    let hitsAPI = HitsController(
        hits: SQLHitListRepository(database: database), stats: stats, subjects: subjects, clock: clock, keys: keyRepository,
        streams: streams)
    hitsAPI.addRoutes(to: api)
    hitsAPI.addLiveRoute(to: api)
    let conversionTracking = ConversionTracking(
        conversions: conversions, events: SQLConversionEventRepository(database: database), stats: stats,
        addresses: addresses, clock: clock,
        attributionMilliseconds: Int64(configuration.attributionDays) * 86_400_000, publicURL: configuration.publicURL,
        clickTokens: clickTokens)
    conversionTracking.addRoutes(to: router)
    ConversionEventsController(tracking: conversionTracking, conversions: conversionAccess, clock: clock).addRoutes(to: api)
    TagsController(tags: tagRepository, datapoints: repository, groups: groups).addRoutes(to: api)
    let rebucketer = StatsRebucketer(database: database, clock: clock, timer: timers.jobs, logger: logger)
    AccountController(profiles: SQLAccountProfileRepository(database: database), stats: stats, clock: clock, rebucketer: rebucketer).addRoutes(
        to: api)
    GuestsController(guests: guests, keys: keys, datapoints: repository, groups: groups, clock: clock).addRoutes(to: api)
    DomainsController(repository: domainRepository, lists: lists, clock: clock).addRoutes(to: api)
    AccountListsController(repository: accountLists, lists: lists, clock: clock).addRoutes(to: api)
    OpenAPIDocument.addRoute(to: api)
    let setup = SetupGate(open: try await accounts.userCount() == 0)
    let throttle = LoginThrottle(database: database)
    DashboardController(
        services: DashboardServices(
            database: database, clock: clock, logger: logger, tls: configuration.tlsEnabled, publicURL: configuration.publicURL,
            addresses: addresses, accounts: accounts,
            sessions: DashboardSessionStore(database: database), throttle: throttle,
            twoFactor: TwoFactorService(database: database, serverSecret: serverSecret), setup: setup, keys: keys, verifier: verifier,
            keyEvents: keyEvents,
            datapoints: service, datapointRepository: repository, groups: groups, tags: tagRepository, conversions: conversions, stats: stats,
            hits: SQLHitListRepository(database: database), accountLists: accountLists, lists: lists, guests: guests,
            domains: domains, alertWebhookConfigured: webhook != nil, outbound: outbound, streams: streams, rebucketer: rebucketer,
            defaultAccountID: defaults.accountID)
    ).addRoutes(to: router)
    let routerRoutes = router.routes.map { "\($0.method.rawValue) \($0.path)" }
    var trackingSetup = TrackingHandler(
        cache: cache, domains: domains, buffer: buffer,
        addresses: addresses, durable: configuration.durable, clock: clock,
        metrics: metrics)
    trackingSetup.blacklists = blacklists
    trackingSetup.extras = extras
    trackingSetup.attributionSeconds = configuration.attributionDays * 86_400
    trackingSetup.clickTokens = clickTokens
    trackingSetup.secureCookies = configuration.tlsEnabled || configuration.publicURL.hasPrefix("https://")
    let tracking = trackingSetup
    var responder = TallyResponder(router: router.buildResponder(), tracking: tracking, hsts: configuration.tlsEnabled)
    responder.apiHosts = configuration.apiHosts

    var writer = HitWriter(
        buffer: buffer, repository: SQLHitRepository(database: database), batchLimit: configuration.hitBatchLimit,
        linger: configuration.durable ? .zero : configuration.hitFlushInterval, observer: metrics, clock: clock, timer: timers.writer, logger: logger)
    writer.locator = try geoLocator(configuration, logger: logger)
    writer.enricher = EnrichmentData.enricher(configuration, logger: logger)
    let refresher = CacheRefresher(cache: cache, datapoints: repository, lists: lists, clock: clock, timer: timers.refresh, logger: logger)
    let publicURL = configuration.publicURL
    let date = HTTPDate()
    let application = Application(
        responder: responder,
        server: try serverBuilder(configuration) {
            TrackingFastPath(tracking: tracking, date: date, logger: logger, hsts: configuration.tlsEnabled, apiHosts: configuration.apiHosts)
        },
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        // Shut down in reverse: the server stops first, then the refresher, then the writer drains the buffer.
        services: [
            writer, refresher, KeyExpirySweeper(database: database, clock: clock, timer: timers.jobs, logger: logger),
            RequestLogPruner(
                database: database, retentionDays: configuration.requestLogDays, clock: clock, timer: timers.jobs, logger: logger), rebucketer,
        ],
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            let scheme = configuration.tlsEnabled ? "https" : "http"
            logger.notice("ClickTally is listening", metadata: ["url": "\(scheme)://\(configuration.host):\(port)", "publicUrl": "\(publicURL)"])
            onListening(port)
        },
        logger: logger)
    return TallyServer(
        application: application, defaults: defaults, datapoints: service, keys: keys, apiRoutes: catalogue, routerRoutes: routerRoutes, setup: setup,
        dashboardThrottle: throttle, failures: failures, streams: streams, rebucketer: rebucketer, clock: clock)
}

/// The `--geoip-db` database, opened once (a bad path or file stops the start with a clear message).
func geoLocator(_ configuration: AppConfiguration, logger: Logger) throws -> GeoLocator? {
    guard let path = configuration.geoIPDatabasePath else {
        logger.info("no --geoip-db: hits get a country only from a trusted proxy's CF-IPCountry")
        return nil
    }
    do {
        let reader = try MMDBReader(path: path)
        logger.notice(
            "GeoIP database loaded",
            metadata: ["path": "\(path)", "type": "\(reader.metadata.databaseType)", "built": "\(reader.metadata.buildEpoch)"])
        return GeoLocator(reader: reader)
    } catch {
        throw ValidationError(
            field: AppConfiguration.Key.geoIPDatabase, code: "geoip_unreadable", message: "cannot use the GeoIP database \(path): \(error)")
    }
}

/// SQLite migrates itself; PostgreSQL, shared by several nodes, only when asked (`--auto-migrate` or `clicktally migrate`).
func prepareSchema(configuration: AppConfiguration, database: any TallyDatabase, clock: WallClock, logger: Logger) async throws {
    let runner = MigrationRunner(database: database)
    let pending = try await runner.pending()
    guard !pending.isEmpty else { return }
    let migrate = configuration.autoMigrate ?? (database.kind == .sqlite)
    guard migrate else { throw MigrationError.pending(versions: pending.map(\.version)) }
    for step in try await runner.migrate(now: clock.now()) {
        logger.notice("applied migration", metadata: ["version": "\(step.version)", "name": "\(step.name)"])
    }
}

/// HTTP/1.1 with the tracking fast path, inside TLS when `--tls-cert`/`--tls-key` are given.
func serverBuilder(_ configuration: AppConfiguration, fastPath: @escaping @Sendable () -> TrackingFastPath) throws -> HTTPServerBuilder {
    let headTimeout = TimeAmount.milliseconds(Int64(configuration.requestHeadTimeoutMilliseconds))
    guard let certificatePath = configuration.tlsCertificatePath, let keyPath = configuration.tlsKeyPath else {
        return .tracking(headTimeout: headTimeout, fastPath)
    }
    do {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        // TLS 1.0 and 1.1 are deprecated (RFC 8996): a key or password never crosses them.
        tls.minimumTLSVersion = .tlsv12
        return try .tls(.tracking(headTimeout: headTimeout, fastPath), tlsConfiguration: tls)
    } catch {
        throw ValidationError(
            field: AppConfiguration.Key.tlsCertificate, code: "tls_unreadable",
            message: "cannot use the TLS certificate or key (PEM files expected): \(error)")
    }
}
