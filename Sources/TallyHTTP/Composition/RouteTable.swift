import Hummingbird
import TallyCore
import TallyStorage

/// Every route of the server, top to bottom: operability, the `/v2` API behind its key middleware (one controller
/// a resource, each given the services it calls, never another controller), conversion tracking and the dashboard.
/// Tracking links themselves are not routes: `TallyResponder` answers them before the router.
struct RouteTable {
    let services: TallyServices
    let configuration: AppConfiguration

    /// - Returns: every `/v2` route with the scope it declared (the test that no API route goes unguarded reads it).
    func addRoutes(to router: Router<TallyRequestContext>) -> APIRouteCatalogue {
        let s = services
        let r = services.repositories
        let clock = services.clock
        OperabilityController(database: s.database, buffer: s.buffer, metrics: s.metrics, clock: clock).addRoutes(to: router)

        let catalogue = APIRouteCatalogue()
        let v2 = router.group("v2").add(
            middleware: APIKeyMiddleware(
                verifier: s.verifier, keys: r.keys, limits: KeyLimitGate(limiter: s.limiter, keys: s.keys), events: r.keyEvents, failures: s.failures,
                guests: r.guests,
                catalogue: catalogue,
                addresses: s.addresses, allowQueryKeys: configuration.allowQueryKeys, clock: clock, limiter: s.limiter,
                watch: UsageWatch(events: r.keyEvents, shared: s.sharedBaselines),
                webhooks: s.webhooks, metrics: s.metrics, failureBurst: configuration.authFailureBurst, tls: configuration.tlsEnabled))
        let api = APIRoutes(group: v2, catalogue: catalogue)
        KeysController(service: s.keys, verifier: s.verifier, activity: s.keyActivity, clock: clock, webhooks: s.webhooks, accounts: s.accounts)
            .addRoutes(to: api)
        GitHubLeakController(service: s.keys, verifier: s.verifier, webhooks: s.webhooks, keys: s.githubScanningKeys).addRoutes(to: api)
        let datapoints = DatapointsController(service: s.datapoints, access: s.datapointAccess, editor: s.editor)
        datapoints.addRoutes(to: api)
        datapoints.addLinkAliases(to: api)
        datapoints.addBatchRoutes(to: api)
        ConversionsController(conversions: s.conversions, access: s.conversionAccess, datapoints: s.datapointAccess).addRoutes(to: api)
        RetargetingController(repository: r.retargeting, datapoints: s.datapointAccess, service: s.datapoints, lists: s.lists, clock: clock)
            .addRoutes(to: api)
        GroupsController(groups: s.groups, access: s.groupAccess, datapoints: s.datapointAccess, editor: s.editor, guests: s.guests)
            .addRoutes(to: api)
        StatsController(stats: s.stats, subjects: s.subjects, clock: clock).addRoutes(to: api)
        ReportsController(stats: s.stats, subjects: s.subjects, clock: clock).addRoutes(to: api)
        let hits = HitsController(
            hits: s.hits, stats: s.stats, subjects: s.subjects, clock: clock, keys: r.keys, streams: s.streams,
            timer: s.timers.streams)
        hits.addRoutes(to: api)
        hits.addLiveRoute(to: api)
        let conversionTracking = ConversionTracking(
            conversions: r.conversions, events: r.conversionEvents, stats: r.stats, addresses: s.addresses, clock: clock,
            attributionMilliseconds: Int64(configuration.attributionDays) * 86_400_000, publicURL: configuration.publicURL,
            clickTokens: s.clickTokens)
        ConversionEventsController(tracking: conversionTracking, conversions: s.conversionAccess, clock: clock).addRoutes(to: api)
        TagsController(tags: s.tags, datapoints: s.datapointQueries, groups: s.groups).addRoutes(to: api)
        AccountController(profiles: r.profiles, stats: s.stats, clock: clock, rebucketer: s.rebucketer).addRoutes(to: api)
        GuestsController(guests: s.guests, datapoints: s.datapointQueries, groups: s.groups).addRoutes(to: api)
        DomainsController(repository: r.domains, lists: s.lists, clock: clock).addRoutes(to: api)
        AccountListsController(lists: s.accountLists).addRoutes(to: api)
        WebhooksController(webhooks: s.eventWebhooks, policy: s.outbound, clock: clock).addRoutes(to: api)
        OpenAPIDocument.addRoute(to: api)

        // Outside `/v2`: the conversion pixel and script (no key: visitors' browsers call them), and the dashboard.
        conversionTracking.addRoutes(to: router)
        DashboardController(services: s).addRoutes(to: router)
        return catalogue
    }
}
