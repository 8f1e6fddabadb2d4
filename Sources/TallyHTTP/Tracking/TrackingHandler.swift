import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import TallyCore
import TallyStorage

/// What the tracking endpoints need to know of a request, whichever path (fast or routed) it came by.
struct TrackingRequest {
    let method: HTTPRequest.Method
    let target: TrackingTarget
    let query: String?
    let headers: TrackingHeaders
    let peer: SocketAddress?
}

/// `GET|HEAD /{name}` and `/{name}.gif`. Both paths share `decide`: the fast path calls it when memory
/// already knows the datapoint and the buffer has room; the routed path looks the datapoint up (and waits
/// for room) when it must.
struct TrackingHandler: Sendable {
    let cache: DatapointCache
    let domains: DomainDirectory
    let buffer: HitBuffer
    let addresses: ClientAddressResolver
    let durable: Bool
    let clock: WallClock
    let metrics: TallyMetrics
    /// Addresses each account asked not to record (its own office, monitoring); they are still redirected.
    let blacklists: IPBlacklists
    /// Retargeting scripts and dynamic-destination whitelists, for links with options.
    let extras: LinkExtras
    let rotators = RotatorState()
    /// On PostgreSQL: the cluster's rotator counters (every node walks one cycle); `nil` on one node.
    let sharedRotators: SharedRotatorPositions?
    /// How long the attribution cookies live (`--attribution-days`).
    let attributionSeconds: Int
    /// Over https the cookies are `SameSite=None; Secure`, so a conversion pixel on another site still receives them;
    /// over plain http browsers refuse that, and `Lax` works when the thank-you page is on the same site.
    let secureCookies: Bool
    /// Signs the click tokens handed to visitors and destinations (a key derived from the server secret).
    let clickTokens: ClickTokenSigner

    /// The routed path: may read the database and wait for buffer room (or, durable, for the commit).
    func respond(to request: TrackingRequest) async throws -> Response {
        let datapoint =
            request.target.couldExist ? try await cache.datapoint(domainID: domainID(of: request), name: String(request.target.name)) : nil
        let converts = datapoint.map { extras.leadsToConversions($0) } ?? false
        let rotation = await sharedRotation(request, datapoint: datapoint)
        let (answer, hit) = decide(request, datapoint: datapoint, leadsToConversions: converts, rotation: rotation)
        if let hit {
            if durable {
                try await buffer.appendAndWaitForCommit(hit)
            } else {
                try await buffer.append(hit)
            }
        }
        metrics.recordTrackingResponse(status: Int(answer.status.code))
        return answer.response
    }

    /// A counted visit (GET) of an active sequential or weighted rotator takes the cluster's next position; a HEAD, or
    /// a database that cannot answer, rotates on this node's own counter (`rotators`) instead.
    func sharedRotation(_ request: TrackingRequest, datapoint: Datapoint?) async -> Int? {
        // `index` answers nil itself for links that do not rotate in order.
        guard let sharedRotators, let datapoint, request.method == .get, datapoint.status == .active, datapoint.type == .trackingLink,
            datapoint.options.mode.isRotator
        else { return nil }
        return try? await sharedRotators.index(datapointID: datapoint.id, options: datapoint.options, now: clock.now())
    }

    /// The fast path: an answer from memory without waiting, or `nil` when the routed path must take over.
    func respondImmediately(to request: TrackingRequest) -> TrackingAnswer? {
        guard !durable else { return nil }
        var datapoint: Datapoint?
        if request.target.couldExist {
            switch cache.peek(domainID: domainID(of: request), name: String(request.target.name)) {
            // Links with options (rotators, pages, cookies) take the routed path; plain redirects stay here.
            case .found(let found) where !found.options.isPlain || extras.leadsToConversions(found): return nil
            case .found(let found): datapoint = found
            case .absent: datapoint = nil
            case .unknown: return nil
            }
        }
        // Only plain links that lead to no conversion got this far.
        let (answer, hit) = decide(request, datapoint: datapoint, leadsToConversions: false)
        if let hit, !buffer.tryAppend(hit) { return nil }
        metrics.recordTrackingResponse(status: Int(answer.status.code), fastPath: true)
        return answer
    }

    /// The answer for `datapoint` (or its absence) and the hit to record, if any. Pure apart from the clock.
    /// - Parameter leadsToConversions: asked of `LinkExtras` once per request by the caller (the fast path already knows).
    /// - Parameter rotation: the destination the cluster's rotator counter chose (`sharedRotation`), if it did.
    func decide(
        _ request: TrackingRequest, datapoint: Datapoint?, leadsToConversions converts: Bool, rotation: Int? = nil
    ) -> (TrackingAnswer, Hit?) {
        guard let datapoint else { return (TrackingResponses.notFound, nil) }
        if request.target.askedForGIF && datapoint.type != .trackingPixel { return (TrackingResponses.notFound, nil) }
        // HEAD is how link previews and scanners look; it is answered but never counted.
        let counts = request.method == .get
        switch datapoint.status {
        case .active:
            break
        case .abuse:
            // Blocked links do not redirect, but visits to them are still evidence worth keeping.
            return (TrackingResponses.notFound, counts ? hit(for: request, datapoint: datapoint) : nil)
        case .paused, .deleted:
            return (TrackingResponses.notFound, nil)
        }
        let answer: TrackingAnswer
        var click: ClickToken?
        switch datapoint.type {
        case .trackingLink:
            guard let destination = datapoint.destinationURL else { return (TrackingResponses.notFound, nil) }
            if counts, converts || datapoint.options.clickIDParameter != nil {
                click = ClickToken(datapointID: datapoint.id, clickID: ClickToken.newClickID(), time: clock.now())
            }
            if datapoint.options.isPlain && !converts {
                answer = TrackingResponses.redirect(
                    to: DestinationURL.forwardingQuery(request.query ?? "", to: destination), type: datapoint.redirectType)
            } else {
                var linked = linkAnswer(
                    request, datapoint: datapoint, main: destination, advancing: counts, click: click, rotation: rotation)
                if converts, let click { attributionCookies(click, request).forEach { linked.headers.add(name: "Set-Cookie", value: $0) } }
                answer = linked
            }
        case .trackingPixel:
            answer = TrackingResponses.pixel
        }
        guard counts, var hit = hit(for: request, datapoint: datapoint) else { return (answer, nil) }
        hit.clickID = click?.clickID ?? 0
        return (answer, hit)
    }

    /// The latest click always; the first only while the visitor holds none (it expires with the window).
    func attributionCookies(_ click: ClickToken, _ request: TrackingRequest) -> [String] {
        let attributes = "Path=/; Max-Age=\(attributionSeconds); HttpOnly; " + (secureCookies ? "SameSite=None; Secure" : "SameSite=Lax")
        let signed = clickTokens.text(click)
        var cookies = ["\(ClickToken.lastClickCookie)=\(signed); \(attributes)"]
        if request.headers.cookie(named: ClickToken.firstClickCookie).flatMap(clickTokens.parse) == nil {
            cookies.append("\(ClickToken.firstClickCookie)=\(signed); \(attributes)")
        }
        return cookies
    }

    /// A link with options: pick the destination (rotator, dynamic destination), then redirect or show a page.
    /// - Parameter advancing: whether this visit moves a spillover visitor on (HEAD requests do not).
    func linkAnswer(
        _ request: TrackingRequest, datapoint: Datapoint, main: String, advancing: Bool, click: ClickToken? = nil, rotation: Int? = nil
    ) -> TrackingAnswer {
        let options = datapoint.options
        var destination = main
        var query = request.query ?? ""
        var cookie: String?
        switch options.mode {
        case .dynamicURL:
            let split = DynamicDestination.split(query: query)
            query = split.rest
            if let ddu = split.ddu,
                let target = DynamicDestination.target(
                    ddu, whitelist: extras.whitelist(accountID: datapoint.accountID), trackingHosts: domains.trackingHosts)
            {
                destination = target
            }
        case .random, .sequential, .weighted, .spillover:
            var step = 0
            if options.mode == .spillover {
                let name = "ct_sp\(datapoint.id)"
                step = request.headers.cookie(named: name).flatMap { Int($0) } ?? 0
                if advancing {
                    cookie = "\(name)=\(min(step + 1, options.destinations.count)); Path=/\(datapoint.name); Max-Age=31536000; HttpOnly; SameSite=Lax"
                }
            }
            let index = rotation ?? rotators.choose(datapointID: datapoint.id, options: options, spilloverStep: step)
            if options.destinations.indices.contains(index) { destination = options.destinations[index].url }
        default:
            break
        }
        if let name = options.clickIDParameter, let click {
            query += (query.isEmpty ? "" : "&") + "\(name)=\(clickTokens.text(click))"
        }
        let location = DestinationURL.forwardingQuery(query, to: destination)
        var answer =
            options.needsPage
            ? LinkPages.answer(
                destination: location, options: options, scripts: extras.scripts(options.scriptIDs, accountID: datapoint.accountID))
            : TrackingResponses.redirect(to: location, type: datapoint.effectiveRedirectType)
        if let cookie { answer.headers.add(name: "Set-Cookie", value: cookie) }
        return answer
    }

    private func hit(for request: TrackingRequest, datapoint: Datapoint) -> Hit? {
        let fields = request.headers
        let peer = request.peer.flatMap { IPAddress($0) }
        let client = addresses.resolve(peer: peer, forwarded: fields.forwarded, forwardedFor: fields.forwardedFor)
        if let client, blacklists.blocks(accountID: datapoint.accountID, address: client) { return nil }
        let ip = client.map { datapoint.encodeIP ? $0.masked : $0 }?.description ?? ""
        var hit = Hit(
            datapointID: datapoint.id, time: clock.now(), kind: HitKind(for: datapoint.type), ip: ip,
            userAgent: Self.truncated(fields.userAgent, to: 1024), referrer: Self.truncated(fields.referer, to: 2048),
            acceptLanguage: Self.truncated(fields.acceptLanguage, to: 256), query: Self.truncated(request.query, to: 4096))
        // The writer classifies the agent and locates the full address (off this path), before only the masked
        // address is stored; only what the headers alone say is decided here.
        hit.locateAddress = client
        if SpiderRules.isPrefetch(fields.purpose) { hit.spider = .spider(reason: "prefetch") }
        if let country = fields.cfIPCountry, let peer, addresses.isTrusted(peer), let code = Self.countryCode(country) { hit.country = code }
        return hit
    }

    /// `CF-IPCountry`'s value when it names a country (`XX` means unknown; `T1` is Tor, kept as such).
    static func countryCode(_ value: String) -> String? {
        let code = value.trimmingSpaces.uppercased()
        guard code.utf8.count == 2, code != "XX", code.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }) else { return nil }
        return code
    }

    private func domainID(of request: TrackingRequest) -> Int64 {
        domains.domain(forHost: request.headers.host).id
    }

    /// Header values are stored with a bound, so one request cannot make a huge row.
    static func truncated(_ value: String?, to limit: Int) -> String {
        guard let value else { return "" }
        return value.utf8.count <= limit ? value : String(value.prefix(limit))
    }
}
