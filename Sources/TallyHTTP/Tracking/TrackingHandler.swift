import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TallyCore
import TallyStorage

/// The hot path: `GET|HEAD /{name}` and `/{name}.gif`. It answers from the in-memory cache and hands
/// the hit to the buffer; only a cache miss or a full buffer makes it wait.
struct TrackingHandler: Sendable {
    let cache: DatapointCache
    let domains: DomainDirectory
    let buffer: HitBuffer
    let addresses: ClientAddressResolver
    let durable: Bool
    let clock: WallClock
    let metrics: TallyMetrics

    /// `segment` is the first and only path segment, already known not to be reserved.
    func respond(to request: Request, segment: Substring, context: TallyRequestContext) async throws -> Response {
        let response = try await answer(request, segment: segment, context: context)
        metrics.recordTrackingResponse(status: response.status.code)
        return response
    }

    private func answer(_ request: Request, segment: Substring, context: TallyRequestContext) async throws -> Response {
        var name = segment
        let askedForGIF = name.hasSuffix(".gif")
        if askedForGIF { name = name.dropLast(4) }
        guard !name.isEmpty, name.utf8.count <= DatapointName.maxLength else { return TrackingResponses.notFound }
        let domain = domains.domain(forHost: request.head.authority)
        guard let datapoint = try await cache.datapoint(domainID: domain.id, name: String(name)) else {
            return TrackingResponses.notFound
        }
        if askedForGIF && datapoint.type != .trackingPixel { return TrackingResponses.notFound }
        switch datapoint.status {
        case .active:
            break
        case .abuse:
            // Blocked links do not redirect, but visits to them are still evidence worth keeping.
            try await record(request, datapoint: datapoint, context: context)
            return TrackingResponses.notFound
        case .paused, .deleted:
            return TrackingResponses.notFound
        }
        let response: Response
        switch datapoint.type {
        case .trackingLink:
            guard let destination = datapoint.destinationURL else { return TrackingResponses.notFound }
            let location = DestinationURL.forwardingQuery(request.uri.query ?? "", to: destination)
            response = TrackingResponses.redirect(to: location, type: datapoint.redirectType)
        case .trackingPixel:
            response = TrackingResponses.pixel
        }
        // HEAD is how link previews and scanners look; it is answered but never counted.
        if request.method == .get {
            try await record(request, datapoint: datapoint, context: context)
        }
        return response
    }

    private func record(_ request: Request, datapoint: Datapoint, context: TallyRequestContext) async throws {
        let fields = request.headers
        let peer = context.remoteAddress?.ipAddress.flatMap { IPAddress($0) }
        let client = addresses.resolve(peer: peer, forwarded: fields[.forwarded], forwardedFor: fields[.xForwardedFor])
        let ip = client.map { datapoint.encodeIP ? $0.masked : $0 }?.description ?? ""
        let userAgent = fields[.userAgent] ?? ""
        let hit = Hit(
            datapointID: datapoint.id, time: clock.now(), kind: HitKind(for: datapoint.type), ip: ip,
            userAgent: Self.truncated(userAgent, to: 1024), referrer: Self.truncated(fields[.referer], to: 2048),
            acceptLanguage: Self.truncated(fields[.acceptLanguage], to: 256), query: Self.truncated(request.uri.query, to: 4096),
            spider: SpiderRules.classify(userAgent: userAgent))
        if durable {
            try await buffer.appendAndWaitForCommit(hit)
        } else {
            try await buffer.append(hit)
        }
    }
}

extension TrackingHandler {
    /// Header values are stored with a bound, so one request cannot make a huge row.
    static func truncated(_ value: String?, to limit: Int) -> String {
        guard let value else { return "" }
        return value.utf8.count <= limit ? value : String(value.prefix(limit))
    }
}

extension HTTPField.Name {
    static let forwarded = Self("Forwarded")!
    static let xForwardedFor = Self("X-Forwarded-For")!
}
