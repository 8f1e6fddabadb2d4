import Foundation
import Hummingbird
import Logging
import TallyCore
import TallyStorage

/// `/v2/keys…`, `/v2/alerts`, `/v2/audit`: the key lifecycle over the API, through the same `KeyService` the
/// CLI and the dashboard use.
struct KeysController {
    let service: KeyService
    let verifier: KeyVerifier
    let activity: KeyActivity
    let clock: WallClock
    let webhooks: AlertWebhooks
    let accounts: AccountService

    func addRoutes(to api: APIRoutes) {
        api.on(.get, "keys", scope: APIScope(.keys, .read)) { _, _, auth in
            let now = clock.now()
            return Entities(entities: try await service.list(accountID: auth.accountID).map { KeyJSON($0, now: now) })
        }
        api.on(.post, "keys", scope: APIScope(.keys, .write)) { request, context, auth in
            let body = try await Self.decode(CreateKeyBody.self, request, context)
            var new = KeyService.NewKey(name: body.name, scopes: try body.scopes.parsed)
            new.groupIDs = body.groups ?? []
            new.allowedNetworks = try IPNetwork.parseList((body.allowedNetworks ?? []).joined(separator: ","))
            if let days = body.expiresInDays {
                guard (1...3650).contains(days) else {
                    throw ValidationError(field: "expiresInDays", code: "expiry_invalid", message: "expiresInDays must be 1 to 3650")
                }
                new.expiresAt = clock.now() + Int64(days) * 86_400_000
            }
            if let format = body.format {
                guard let parsed = APIKeyToken.Format(rawValue: format) else {
                    throw ValidationError(field: "format", code: "format_invalid", message: "format must be standard or guid")
                }
                new.format = parsed
            }
            if let limit = body.rateLimit {
                new.ratePerSecond = limit.perSecond
                new.burst = limit.burst
            }
            new.limits = try body.limits?.map { limit throws(ValidationError) in try limit.parsed }
            if let usage = body.usage {
                guard case .limited(let limit) = try usage.change else {
                    throw ValidationError(field: "usage", code: "usage_invalid", message: "a new key is unlimited unless given a usage limit")
                }
                new.usage = limit
            }
            let (key, fullKey) = try await Self.mapped { try await service.create(new, accountID: auth.accountID, by: actor(auth)) }
            return EditedResponse(status: .created, response: KeyJSON(key, now: clock.now(), fullKey: fullKey))
        }
        api.on(.get, "keys/:id", scope: APIScope(.keys, .read)) { _, context, auth in
            KeyJSON(try await key(context, auth), now: clock.now())
        }
        api.on(.post, "keys/:id", scope: APIScope(.keys, .write)) { request, context, auth in
            let body = try await Self.decode(UpdateKeyBody.self, request, context)
            let networks = try body.allowedNetworks.map { try IPNetwork.parseList($0.joined(separator: ",")) }
            let limits = try body.limits?.map { limit throws(ValidationError) in try limit.parsed }
            let usage = try body.usage?.change
            let publicID = try context.parameters.require("id")
            let reshaping = limits != nil || usage != nil
            var key = try await Self.mapped {
                if reshaping, body.name == nil, networks == nil { return try await service.key(publicID: publicID, accountID: auth.accountID) }
                return try await service.update(
                    publicID: publicID, accountID: auth.accountID, name: body.name, allowedNetworks: networks, by: actor(auth))
            }
            if reshaping {
                key = try await Self.mapped {
                    try await service.reshape(publicID: publicID, accountID: auth.accountID, limits: limits, usage: usage, by: actor(auth))
                }
            }
            verifier.invalidate(publicID: key.publicID)
            return KeyJSON(key, now: clock.now())
        }
        api.on(.post, "keys/:id/rotate", scope: APIScope(.keys, .write)) { request, context, auth in
            let body = try await Self.decode(RotateKeyBody.self, request, context, emptyAllowed: true) ?? RotateKeyBody()
            let hours = body.graceHours ?? 24
            // Checked here as well as in the service: converting a huge or NaN Double to Int64 would trap.
            guard hours.isFinite, (0...720).contains(hours) else {
                throw ValidationError(field: "graceHours", code: "grace_invalid", message: "graceHours must be between 0 and 720")
            }
            let (key, fullKey) = try await Self.mapped {
                try await service.rotate(
                    publicID: try context.parameters.require("id"), accountID: auth.accountID, graceMilliseconds: Int64(hours * 3_600_000),
                    by: actor(auth))
            }
            verifier.invalidate(publicID: key.publicID)
            return KeyJSON(key, now: clock.now(), fullKey: fullKey)
        }
        for (method, path) in [(HTTPRequest.Method.post, "keys/:id/revoke"), (.delete, "keys/:id")] {
            api.on(method, path, scope: APIScope(.keys, .write)) { _, context, auth in
                let key = try await Self.mapped {
                    try await service.revoke(publicID: try context.parameters.require("id"), accountID: auth.accountID, by: actor(auth))
                }
                verifier.invalidate(publicID: key.publicID)
                return KeyJSON(key, now: clock.now())
            }
        }
        api.on(.get, "account/key-policy", scope: APIScope(.keys, .read)) { _, _, auth in
            KeyPolicyJSON(try await accounts.keyPolicy(accountID: auth.accountID))
        }
        api.on(.put, "account/key-policy", scope: APIScope(.keys, .write)) { request, context, auth in
            // The account's rules: a key limited to some groups or networks may not loosen them for every key.
            try auth.requireWholeAccount("change the account's key policy")
            let body = try await Self.decode(KeyPolicyJSON.self, request, context)
            try await Self.mapped { try await service.authorizeAccountWide(accountID: auth.accountID, by: actor(auth)) }
            try await accounts.setKeyPolicy(body.policy, accountID: auth.accountID)
            return KeyPolicyJSON(try await accounts.keyPolicy(accountID: auth.accountID))
        }
        api.on(.post, "keys/:id/enable", scope: APIScope(.keys, .write)) { _, context, auth in
            let key = try await Self.mapped {
                try await service.enable(publicID: try context.parameters.require("id"), accountID: auth.accountID, by: actor(auth))
            }
            verifier.invalidate(publicID: key.publicID)
            return KeyJSON(key, now: clock.now())
        }
        api.on(.get, "keys/:id/usage", scope: APIScope(.keys, .read)) { request, context, auth in
            let key = try await key(context, auth)
            let now = clock.now()
            let query = request.uri.queryParameters
            let to = try Self.time(query["to"].map(String.init), "to") ?? now + 1
            let from = try Self.time(query["from"].map(String.init), "from") ?? max(0, to - 86_400_000)
            guard from <= to else { throw ValidationError(field: "from", code: "range_invalid", message: "from must not be after to") }
            let bucket: Int64 =
                switch query["granularity"].map(String.init) ?? "hour" {
                case "minute": 60_000
                case "day": 86_400_000
                case "hour": 3_600_000
                default: throw ValidationError(field: "granularity", code: "granularity_invalid", message: "granularity must be minute, hour or day")
                }
            guard (to - from) / bucket <= 10_000 else {
                throw ValidationError(field: "granularity", code: "range_too_long", message: "at most 10000 buckets: choose a coarser granularity")
            }
            let rows = try await activity.usage(of: key, from: from, to: to, bucketMilliseconds: bucket)
            return Entities(
                entities: rows.map { UsageJSON(time: KeyJSON.iso($0.bucketStart), route: $0.route, status: $0.statusClass, count: $0.count) })
        }
        api.on(.get, "keys/:id/requests", scope: APIScope(.keys, .read)) { request, context, auth in
            let key = try await key(context, auth)
            let query = request.uri.queryParameters
            let limit = min(max(query["limit"].flatMap { Int($0) } ?? 50, 1), 500)
            let before = (query["lastKey"] ?? query["offset"]).flatMap { Int64($0) }
            let rows = try await activity.requests(of: key, before: before, limit: limit)
            return Entities(
                entities: rows.map { RequestJSON($0.record) }, lastKey: rows.count == limit ? rows.last.map { String($0.id) } : nil)
        }
        api.on(.get, "alerts", scope: APIScope(.keys, .read)) { _, _, auth in
            Entities(entities: try await activity.alerts(accountID: auth.accountID).map(AlertJSON.init))
        }
        api.on(.post, "alerts/:id/acknowledge", scope: APIScope(.keys, .write)) { _, context, auth in
            // A limited key, stolen, must not silence the alert its misuse raised.
            try auth.requireWholeAccount("acknowledge the account's alerts")
            guard let id = context.parameters.get("id", as: Int64.self),
                try await activity.acknowledge(alertID: id, accountID: auth.accountID)
            else { throw APIError.notFound }
            return Response(status: .noContent)
        }
        api.on(.get, "audit", scope: APIScope(.keys, .read)) { _, _, auth in
            Entities(entities: try await activity.audit(accountID: auth.accountID).map(AuditJSON.init))
        }
        // Like GitHub's secret-scanning partner endpoint: no key needed, the same answer whatever was sent — and in the
        // same time: the report is handled after the answer, so timing cannot tell a live key from a dead one.
        api.onPublic(.post, "keys/leaked") { request, context in
            if let body = try? await request.decode(as: LeakReportBody.self, context: context) {
                let clientIP = context.remoteAddress?.ipAddress ?? ""
                let logger = context.logger
                Task {
                    do {
                        let alert = try await service.reportLeak(body.key, clientIP: clientIP)
                        if let token = APIKeyToken(parsing: body.key) {
                            verifier.invalidate(publicID: token.publicID)
                            if let alert { webhooks.send(alert, publicID: token.publicID) }
                        }
                    } catch {
                        logger.error("leak report failed", metadata: ["error": "\(String(reflecting: error))"])
                    }
                }
            }
            return Response(
                status: .accepted, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: "{\"received\":true}")))
        }
    }

    /// Milliseconds since 1970 between 1970 and 2100, or `nil` when absent; anything else is a 400.
    static func time(_ text: String?, _ name: String) throws(ValidationError) -> Int64? {
        guard let text else { return nil }
        guard let value = Int64(text), (0...4_102_444_800_000).contains(value) else {
            throw ValidationError(field: name, code: "time_invalid", message: "\(name) must be milliseconds since 1970 (up to the year 2100)")
        }
        return value
    }

    private func key(_ context: TallyRequestContext, _ auth: APIAuth) async throws -> APIKey {
        try await Self.mapped { try await service.key(publicID: try context.parameters.require("id"), accountID: auth.accountID) }
    }

    private func actor(_ auth: APIAuth) -> KeyService.Actor { .key(auth.key, clientIP: auth.clientIP) }

    static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch KeyError.notFound {
            throw APIError.notFound
        } catch KeyError.notActive {
            throw APIError(status: .conflict, code: "key_not_active", message: "the key is revoked, disabled or expired")
        } catch KeyError.notDisabled {
            throw APIError(status: .conflict, code: "key_not_disabled", message: "only a disabled key can be enabled")
        } catch let refusal as KeyAuthorityRefusal {
            throw APIError(refusal)
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: TallyRequestContext) async throws -> T {
        guard let value = try await decode(type, request, context, emptyAllowed: false) else { throw APIError.badBody }
        return value
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: TallyRequestContext, emptyAllowed: Bool) async throws -> T? {
        var request = request
        let buffer = try await request.collectBody(upTo: 64 * 1024)
        if buffer.readableBytes == 0 {
            if emptyAllowed { return nil }
            throw APIError.badBody
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError.badBody
        }
    }
}

extension APIError {
    /// A key (or user) managing a key it does not cover: 403, naming which bound it exceeds.
    init(_ refusal: KeyAuthorityRefusal) {
        self.init(status: .forbidden, code: refusal.rawValue, message: refusal.message)
    }

    static let badBody = APIError(status: .badRequest, code: "body_invalid", message: "the request body is not the JSON this route expects")
}

struct UsageJSON: Codable { let time: String, route: String, status: String, count: Int }

struct RequestJSON: Codable {
    let time: String, method: String, route: String, status: Int, latencyUs: Int64, clientIp: String, keyInQuery: Bool, previousSecret: Bool
    init(_ record: APIRequestRecord) {
        time = KeyJSON.iso(record.time)
        method = record.method
        route = record.route
        status = record.status
        latencyUs = record.latencyMicroseconds
        clientIp = record.clientIP
        keyInQuery = record.keyInQuery
        previousSecret = record.usedPreviousSecret
    }
}

struct AlertJSON: Codable {
    let id: Int64, kind: String, message: String, clientIp: String, createdAt: String, acknowledged: Bool
    init(_ alert: KeyAlert) {
        id = alert.id
        kind = alert.kind.rawValue
        message = alert.message
        clientIp = alert.clientIP
        createdAt = KeyJSON.iso(alert.createdAt)
        acknowledged = alert.acknowledgedAt != nil
    }
}

struct AuditJSON: Codable {
    let event: String, actor: String, clientIp: String, details: String, createdAt: String
    init(_ entry: AuditEntry) {
        event = entry.event
        actor = entry.actor
        clientIp = entry.clientIP
        details = entry.details
        createdAt = KeyJSON.iso(entry.createdAt)
    }
}
