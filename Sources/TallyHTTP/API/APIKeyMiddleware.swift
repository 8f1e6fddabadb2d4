import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TallyCore
import TallyStorage

/// The API key layer in front of every `/v2` route: find the key (headers, or the query for ClickMeter
/// clients) → refuse it over plain HTTP off loopback → throttle addresses that keep failing → verify (parse,
/// checksum, cached lookup, constant-time hash compare, status, expiry, allow-list) → the key's rate limit →
/// the route, with `context.auth` set → usage record, rate-limit headers, alerts.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = TallyRequestContext

    let verifier: KeyVerifier
    let keys: SQLAPIKeyRepository
    /// The key's rate limits, named limits and credits.
    let limits: KeyLimitGate
    let events: SQLKeyEventRepository
    /// Refusals that name no key: counted, never one row each.
    let failures: FailureCounter
    let guests: SQLGuestRepository
    let catalogue: APIRouteCatalogue
    let addresses: ClientAddressResolver
    let allowQueryKeys: Bool
    let clock: WallClock
    let limiter: RateLimiter
    let alerts = AlertThrottle()
    let watch: UsageWatch
    let webhooks: AlertWebhooks
    let metrics: TallyMetrics
    /// Failed attempts allowed per client address: a burst (`--auth-failure-burst`, 20), then one a second.
    static let failureRate: Double = 1
    let failureBurst: Int
    /// Built-in TLS: every connection is HTTPS.
    let tls: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let now = clock.now()
        let peer = context.remoteAddress.flatMap { IPAddress($0) }
        let fields = request.headers
        let client = addresses.resolve(peer: peer, forwarded: fields[.forwarded], forwardedFor: fields[.xForwardedFor])
        let clientIP = client?.description ?? ""
        let route = context.endpointPath ?? request.uri.path
        if catalogue.requirement(method: request.method, path: route) == .publicRoute {
            // A leak report is a guess at a key as much as a report: each one takes from the same per-address failure
            // budget as a bad key, so the endpoint is no way around that throttle.
            if request.method == .post, route.hasSuffix("/keys/leaked") {
                let rate = await limiter.take("failures \(clientIP)", rate: Self.failureRate, burst: failureBurst, now: now)
                if !rate.allowed { return Self.tooMany(rate, message: "too many failed authentication attempts from this address") }
            }
            return try await next(request, context)
        }
        let presented = Self.presentedKey(request)
        var record = APIRequestRecord(
            accountID: nil, keyID: nil, time: now, method: request.method.rawValue, route: route, status: 0, latencyMicroseconds: 0,
            clientIP: clientIP, keyInQuery: presented?.inQuery ?? false, usedPreviousSecret: false)

        let failures = "failures \(clientIP)"
        let throttled = await limiter.peek(failures, rate: Self.failureRate, burst: failureBurst, now: now)
        var response: Response
        var rate = throttled
        // The refusal's code when the key layer refused (for `clicktally_api_auth_failures_total`).
        var refused: String?
        // A verified key's limits (set once the key is known), reported instead of the failure budget.
        var admitted: KeyLimitGate.Outcome?
        if !throttled.allowed {
            refused = "auth_throttled"
            response = Self.tooMany(throttled, message: "too many failed authentication attempts from this address")
        } else if let presented, presented.inQuery, !allowQueryKeys {
            refused = "key_in_query_refused"
            response = Self.refusal(code: "key_in_query_refused", message: "send the API key in the X-ClickMeter-API-Key header, not in the URL")
        } else if let presented {
            let outcome = try await verifier.verify(presented.text, clientIP: client)
            record.accountID = outcome.key?.accountID
            record.keyID = outcome.key?.id
            switch outcome.verdict {
            case .refused(let refusal):
                refused = refusal.rawValue
                rate = await limiter.take(failures, rate: Self.failureRate, burst: failureBurst, now: now)
                response = Self.refusal(code: refusal.rawValue, message: refusal.message)
                if let key = outcome.key { await failedAttempt(on: key, clientIP: clientIP, now: now) }
            case .accepted(let usedPrevious):
                let key = outcome.key!
                record.usedPreviousSecret = usedPrevious
                if !isSecure(request, peer: peer) {
                    refused = "https_required"
                    await raise(.plainHTTP, key: key, clientIP: clientIP, now: now, "key \(key.publicID) was sent over plain HTTP and refused")
                    response = ErrorBody.response(
                        .forbidden, code: "https_required", message: "API keys are accepted over HTTPS only; use https:// and rotate this key")
                } else {
                    let gate = await limits.admit(key, now: now, logger: context.logger)
                    admitted = gate
                    if let refusal = gate.refusal {
                        refused = refusal.code
                        response = refusal.response
                    } else {
                        await watchForAnomalies(key: key, client: client, clientIP: clientIP, now: now, logger: context.logger)
                        var context = context
                        var auth = APIAuth(key: key, clientIP: clientIP)
                        if let guestID = key.guestID {
                            // Read per request, so a changed share takes effect at once on every node.
                            auth.guest = try await guests.access(guestID: guestID)
                        }
                        if key.guestID != nil, auth.guest == nil {
                            refused = APIKeyRefusal.revoked.rawValue
                            response = Self.refusal(code: APIKeyRefusal.revoked.rawValue, message: APIKeyRefusal.revoked.message)
                        } else {
                            context.auth = auth
                            response = await Self.answer(request, context: context, next: next)
                        }
                    }
                    if presented.inQuery {
                        response.headers[.clickTallyWarning] = "the API key was sent in the URL; send it in the X-ClickMeter-API-Key header"
                        await raise(.keyInURL, key: key, clientIP: clientIP, now: now, "key \(key.publicID) was sent in a URL query string")
                    }
                    if usedPrevious {
                        response.headers[.clickTallyWarning] =
                            "this key was rotated; its previous secret stops working at the end of the grace period"
                        await raise(
                            .previousSecretUsed, key: key, clientIP: clientIP, now: now, "the previous secret of key \(key.publicID) was used")
                    }
                }
            }
        } else {
            refused = APIKeyRefusal.missing.rawValue
            response = Self.refusal(code: APIKeyRefusal.missing.rawValue, message: APIKeyRefusal.missing.message)
        }
        if let admitted { admitted.addHeaders(to: &response) } else { Self.addRateHeaders(rate, limit: failureBurst, to: &response) }
        record.status = response.status.code
        metrics.recordAPIRequest(status: response.status.code)
        if let refused { metrics.recordAuthFailure(code: refused) }
        let elapsed = ContinuousClock.now - start
        record.latencyMicroseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        await save(record, logger: context.logger)
        return response
    }

    /// The route's answer; errors become their JSON responses here, so the usage log sees the real status.
    static func answer(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async -> Response {
        do {
            return try await next(request, context)
        } catch {
            return TallyResponder.errorResponse(for: error, logger: context.logger)
        }
    }

    static func presentedKey(_ request: Request) -> (text: String, inQuery: Bool)? {
        for name in [HTTPField.Name.clickMeterAPIKey, .clickMeterAuthKey] {
            if let value = request.headers[name], !value.isEmpty { return (value.trimmingSpaces, false) }
        }
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            return (String(authorization.dropFirst(7)).trimmingSpaces, false)
        }
        let query = request.uri.queryParameters
        for name in ["authKey", "authkey", "api_key"] {
            if let value = query[name[...]], !value.isEmpty { return (String(value), true) }
        }
        return nil
    }

    func isSecure(_ request: Request, peer: IPAddress?) -> Bool {
        TransportSecurity.isAcceptable(request.headers, peer: peer, tls: tls, addresses: addresses)
    }

    static func refusal(code: String, message: String) -> Response {
        ErrorBody.response(.unauthorized, code: code, message: message, headers: [.wwwAuthenticate: "Bearer realm=\"ClickTally API\""])
    }

    static func tooMany(_ decision: TokenBucket.Decision, message: String) -> Response {
        ErrorBody.response(.tooManyRequests, code: "rate_limited", message: message, headers: [.retryAfter: String(decision.retryAfterSeconds)])
    }

    /// `Limit` is the bucket's size (the burst), `Remaining` what is left of it, `Reset` the seconds until it is full.
    static func addRateHeaders(_ decision: TokenBucket.Decision, limit: Int, to response: inout Response) {
        response.headers[.rateLimitLimit] = String(limit)
        response.headers[.rateLimitRemaining] = String(decision.remaining)
        response.headers[.rateLimitReset] = String(decision.resetSeconds)
    }

    private func watchForAnomalies(key: APIKey, client: IPAddress?, clientIP: String, now: Int64, logger: Logger) async {
        if await watch.isSpike(keyID: key.id, at: now) {
            await raise(.rateSpike, key: key, clientIP: clientIP, now: now, "key \(key.publicID) is making far more requests than it usually does")
        }
        guard let client else { return }
        do {
            if try await watch.isNewNetwork(keyID: key.id, client: client) {
                await raise(
                    .newNetwork, key: key, clientIP: clientIP, now: now,
                    "key \(key.publicID) was used from \(client.masked) for the first time", subject: client.masked.description)
            }
        } catch {
            logger.warning("could not check the key's networks", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    private func failedAttempt(on key: APIKey, clientIP: String, now: Int64) async {
        let count = await limiter.take("failed key \(key.id)", rate: 1, burst: 10, now: now)
        if !count.allowed {
            await raise(.failedAttempts, key: key, clientIP: clientIP, now: now, "a burst of failed attempts named key \(key.publicID)")
        }
    }

    private func raise(_ kind: KeyAlert.Kind, key: APIKey, clientIP: String, now: Int64, _ message: String, subject: String = "") async {
        guard alerts.shouldRaise("\(kind.rawValue) \(key.id) \(subject)", now: now) else { return }
        let alert = KeyAlert(accountID: key.accountID, keyID: key.id, kind: kind, message: message, clientIP: clientIP, createdAt: now)
        // Several nodes: one alert an hour for the cluster, whichever node saw it first.
        guard (try? await events.addUnlessRecent(alert, since: now - alerts.interval + 1)) == true else { return }
        metrics.recordAlert(kind: kind.rawValue)
        webhooks.send(alert, publicID: key.publicID)
    }

    private func save(_ record: APIRequestRecord, logger: Logger) async {
        do {
            guard record.keyID != nil else {
                try await failures.add(time: record.time, status: record.status)
                return
            }
            try await events.record(record)
            if let keyID = record.keyID, record.status < 400 { try await keys.recordUse(keyID: keyID, at: record.time, from: record.clientIP) }
        } catch {
            logger.error("could not record API usage", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}

extension HTTPField.Name {
    static let clickMeterAPIKey = Self("X-ClickMeter-API-Key")!
    static let clickMeterAuthKey = Self("X-Clickmeter-AuthKey")!
    static let forwarded = Self("Forwarded")!
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xForwardedProto = Self("X-Forwarded-Proto")!
    static let rateLimitLimit = Self("X-Rate-Limit-Limit")!
    static let rateLimitRemaining = Self("X-Rate-Limit-Remaining")!
    static let rateLimitReset = Self("X-Rate-Limit-Reset")!
    static let clickTallyWarning = Self("X-ClickTally-Warning")!
}
