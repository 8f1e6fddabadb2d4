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
    /// The hits between tracking and the writer (tests await `waitUntilCommitted` instead of polling the database).
    public let hits: HitBuffer
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
    /// PostgreSQL: other nodes' changes as announced (tests follow `applied`); `nil` on SQLite or when turned off.
    public let changes: ChangeListener?
    let clock: WallClock
    /// The outbox's dispatcher as the server runs it (tests call `deliverDue` with their own clock moved).
    let dispatcher: WebhookDispatcher
    var dispatcherWebhooks: WebhookService { dispatcher.webhooks }
}

/// The composition root: the one place that makes things. The database is opened and kept running by the caller (so a
/// test can look at it before and after); here the schema is prepared, `TallyServices` is built once, `RouteTable`
/// adds every route, and the tracking path, the hit writer and the background services are wired to the same values.
public func buildApplication(
    configuration: AppConfiguration, database: any TallyDatabase, clock: WallClock = .system, timers: ServiceTimers = .system,
    logger: Logger, onListening: @escaping @Sendable (_ port: Int) -> Void = { _ in }
) async throws -> TallyServer {
    try await prepareSchema(configuration: configuration, database: database, clock: clock, logger: logger)
    let services = try await TallyServices.make(configuration: configuration, database: database, clock: clock, timers: timers, logger: logger)
    let router = Router(context: TallyRequestContext.self)
    let catalogue = RouteTable(services: services, configuration: configuration).addRoutes(to: router)
    let routerRoutes = router.routes.map { "\($0.method.rawValue) \($0.path)" }
    let tracking = TrackingHandler(
        cache: services.cache, domains: services.domains, buffer: services.buffer, addresses: services.addresses,
        durable: configuration.durable, clock: clock, metrics: services.metrics, blacklists: services.blacklists, extras: services.extras,
        sharedRotators: services.sharedRotators, attributionSeconds: configuration.attributionDays * 86_400,
        secureCookies: configuration.tlsEnabled || configuration.publicURL.hasPrefix("https://"), clickTokens: services.clickTokens)
    let responder = TallyResponder(
        router: router.buildResponder(), tracking: tracking, hsts: configuration.tlsEnabled, apiHosts: configuration.apiHosts)
    let writer = HitWriter(
        buffer: services.buffer, repository: services.repositories.hits, batchLimit: configuration.hitBatchLimit,
        linger: configuration.durable ? .zero : configuration.hitFlushInterval, observer: services.metrics,
        locator: try geoLocator(configuration, logger: logger), enricher: EnrichmentData.enricher(configuration, logger: logger),
        clock: clock, timer: timers.writer, logger: logger)
    let refresher = CacheRefresher(
        cache: services.cache, datapoints: services.repositories.datapoints, lists: services.lists, clock: clock, timer: timers.refresh,
        logger: logger)
    let changes = (database as? PostgresTallyDatabase).flatMap { postgres in
        configuration.changeNotifications
            ? ChangeListener(
                listen: { channel, consume in try await postgres.listen(channel, consume) }, cache: services.cache,
                verifier: services.verifier, lists: services.lists, refresher: refresher, timer: timers.refresh, logger: logger)
            : nil
    }
    let publicURL = configuration.publicURL
    let date = HTTPDate()
    let dispatcher = WebhookDispatcher(webhooks: services.eventWebhooks, policy: services.outbound, clock: clock, timer: timers.jobs, logger: logger)
    let application = Application(
        responder: responder,
        server: try serverBuilder(configuration) {
            TrackingFastPath(tracking: tracking, date: date, logger: logger, hsts: configuration.tlsEnabled, apiHosts: configuration.apiHosts)
        },
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        // Shut down in reverse: the server stops first, then the refresher, then the writer drains the buffer.
        services: [
            writer, refresher, KeyExpirySweeper(database: database, clock: clock, timer: timers.jobs, logger: logger),
            KeyPolicySweeper(
                database: database, clock: clock, timer: timers.jobs, notify: { [webhooks = services.webhooks] in webhooks.send($0, publicID: $1) },
                logger: logger),
            dispatcher,
            RequestLogPruner(
                database: database, retentionDays: configuration.requestLogDays, clock: clock, timer: timers.jobs, logger: logger),
            services.rebucketer,
        ] + (changes.map { [$0] } ?? []),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            let scheme = configuration.tlsEnabled ? "https" : "http"
            logger.notice("ClickTally is listening", metadata: ["url": "\(scheme)://\(configuration.host):\(port)", "publicUrl": "\(publicURL)"])
            onListening(port)
        },
        logger: logger)
    return TallyServer(
        application: application, defaults: services.defaults, datapoints: services.datapoints, keys: services.keys, hits: services.buffer,
        apiRoutes: catalogue,
        routerRoutes: routerRoutes, setup: services.setup, dashboardThrottle: services.throttle, failures: services.failures,
        streams: services.streams, rebucketer: services.rebucketer, changes: changes, clock: clock, dispatcher: dispatcher)
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
