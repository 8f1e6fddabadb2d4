import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// `/v2/webhooks…`: an account's event webhooks — create (the signing secret in the answer, once), list, change, delete,
/// their events (outbox) and delivery attempts, manual redelivery. Account-wide (`account` scope, whole-account keys
/// only): a webhook may receive every click of the account.
struct WebhooksController {
    let webhooks: WebhookService
    let policy: OutboundPolicy
    let clock: WallClock

    func addRoutes(to api: APIRoutes) {
        api.on(.get, "webhooks", scope: APIScope(.account, .read)) { _, _, auth in
            try auth.requireWholeAccount("read the account's webhooks")
            return Entities(entities: try await webhooks.list(accountID: auth.accountID).map { WebhookJSON($0) })
        }
        api.on(.post, "webhooks", scope: APIScope(.account, .write)) { request, context, auth in
            try auth.requireWholeAccount("add a webhook")
            let body = try await KeysController.decode(WebhookBody.self, request, context)
            guard let url = body.url else { throw ValidationError(field: "url", code: "url_required", message: "a webhook needs a URL") }
            _ = try OutboundURL(url, policy: policy)
            let events = try WebhookEvent.parseList(body.events ?? [])
            let (webhook, secret) = try await webhooks.create(
                accountID: auth.accountID, url: url.trimmingCharacters(in: .whitespaces), events: events, createdBy: "key \(auth.key.publicID)")
            var json = WebhookJSON(webhook)
            json.secret = secret
            return EditedResponse(status: .created, response: json)
        }
        api.on(.get, "webhooks/:id", scope: APIScope(.account, .read)) { _, context, auth in
            try auth.requireWholeAccount("read the account's webhooks")
            return WebhookJSON(try await webhook(context, auth))
        }
        api.on(.post, "webhooks/:id", scope: APIScope(.account, .write)) { request, context, auth in
            try auth.requireWholeAccount("change a webhook")
            let existing = try await webhook(context, auth)
            let body = try await KeysController.decode(WebhookBody.self, request, context)
            let url = try body.url.map { text throws(ValidationError) in
                _ = try OutboundURL(text, policy: policy)
                return text.trimmingCharacters(in: .whitespaces)
            }
            let events = try body.events.map { names throws(ValidationError) in try WebhookEvent.parseList(names) }
            guard let updated = try await webhooks.update(id: existing.id, accountID: auth.accountID, url: url, events: events, enabled: body.enabled)
            else { throw APIError.notFound }
            return WebhookJSON(updated)
        }
        api.on(.delete, "webhooks/:id", scope: APIScope(.account, .write)) { _, context, auth in
            try auth.requireWholeAccount("delete a webhook")
            guard try await webhooks.delete(id: try await webhook(context, auth).id, accountID: auth.accountID) else { throw APIError.notFound }
            return Response(status: .noContent)
        }
        api.on(.get, "webhooks/:id/events", scope: APIScope(.account, .read)) { request, context, auth in
            try auth.requireWholeAccount("read the account's webhooks")
            let limit = min(max(request.uri.queryParameters["limit"].flatMap { Int($0) } ?? 50, 1), 500)
            let messages = try await webhooks.outbox.messages(webhookID: try await webhook(context, auth).id, limit: limit)
            return Entities(entities: messages.map(WebhookEventJSON.init))
        }
        api.on(.get, "webhooks/:id/deliveries", scope: APIScope(.account, .read)) { request, context, auth in
            try auth.requireWholeAccount("read the account's webhooks")
            let limit = min(max(request.uri.queryParameters["limit"].flatMap { Int($0) } ?? 50, 1), 500)
            let attempts = try await webhooks.outbox.attempts(webhookID: try await webhook(context, auth).id, limit: limit)
            return Entities(entities: attempts.map(WebhookAttemptJSON.init))
        }
        api.on(.post, "webhooks/:id/events/:eventId/redeliver", scope: APIScope(.account, .write)) { _, context, auth in
            try auth.requireWholeAccount("redeliver a webhook event")
            let hook = try await webhook(context, auth)
            guard
                try await webhooks.outbox.redeliver(
                    eventID: context.parameters.get("eventId") ?? "", webhookID: hook.id, accountID: auth.accountID, now: clock.now())
            else { throw APIError.notFound }
            return Response(status: .accepted)
        }
    }

    private func webhook(_ context: TallyRequestContext, _ auth: APIAuth) async throws -> Webhook {
        guard let id = context.parameters.get("id", as: Int64.self), let webhook = try await webhooks.find(id: id, accountID: auth.accountID) else {
            throw APIError.notFound
        }
        return webhook
    }
}

struct WebhookBody: Decodable {
    var url: String?
    var events: [String]?
    var enabled: Bool?
}

struct WebhookJSON: ResponseEncodable {
    let id: Int64
    let url: String
    let events: [String]
    let enabled: Bool
    let createdAt: String
    let createdBy: String
    /// Only in the answer to its creation.
    var secret: String?

    init(_ webhook: Webhook) {
        id = webhook.id
        url = webhook.url
        events = webhook.events.map(\.rawValue)
        enabled = webhook.enabled
        createdAt = KeyJSON.iso(webhook.createdAt)
        createdBy = webhook.createdBy
    }
}

struct WebhookEventJSON: Codable {
    let id: String, event: String, subject: String, createdAt: String, attempts: Int, state: String, deliveredAt: String?
    init(_ message: WebhookMessage) {
        id = "evt_\(message.id)"
        event = message.event
        subject = message.subject
        createdAt = KeyJSON.iso(message.createdAt)
        attempts = message.attempts
        state = ["pending", "delivered", "failed"][message.state.rawValue]
        deliveredAt = message.deliveredAt.map(KeyJSON.iso)
    }
}

struct WebhookAttemptJSON: Codable {
    let event: String, eventId: String, attemptedAt: String, statusCode: Int, latencyMs: Int, error: String
    init(_ attempt: WebhookAttempt) {
        event = attempt.event
        eventId = "evt_\(attempt.messageID)"
        attemptedAt = KeyJSON.iso(attempt.attemptedAt)
        statusCode = attempt.statusCode
        latencyMs = attempt.latencyMilliseconds
        error = attempt.error
    }
}
