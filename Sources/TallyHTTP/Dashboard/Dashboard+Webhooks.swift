import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

extension DashboardController {
    /// The account's event webhooks, through the same `WebhookService` as `/v2/webhooks`.
    func addWebhookRoutes(to dashboard: RouterGroup<TallyRequestContext>) {
        dashboard.get("webhooks", use: signedIn { visit in try await webhooksPage(visit) })
        dashboard.get(
            "webhooks/shown",
            use: signedIn { visit in
                // The secret travels from the POST to this page sealed in the session, and is erased by this read.
                guard let secret = try await services.sessions.takeFlash(token: visit.token) else {
                    return DashboardHTML.seeOther("/dashboard/webhooks")
                }
                return try await webhooksPage(visit, secret: secret)
            })
        dashboard.post(
            "webhooks",
            use: signedIn(.manageSettings, sudo: .always("Adding an event webhook")) { visit in
                let url = visit.form.trimmed("url")
                do {
                    _ = try OutboundURL(url, policy: services.outbound)
                    let events = try WebhookEvent.parseList(visit.form.all("event"))
                    let (_, secret) = try await services.eventWebhooks.create(
                        accountID: visit.session.accountID, url: url, events: events, createdBy: "dashboard:\(visit.session.email)")
                    try await services.sessions.setFlash(token: visit.token, secret)
                    return DashboardHTML.seeOther("/dashboard/webhooks/shown")
                } catch let error as ValidationError {
                    return try await webhooksPage(visit, formURL: url, error: error.message, status: .badRequest)
                }
            })
        dashboard.post(
            "webhooks/:id/toggle",
            use: signedIn(.manageSettings) { visit in
                let hook = try await ownWebhook(visit)
                _ = try await services.eventWebhooks.update(
                    id: hook.id, accountID: visit.session.accountID, url: nil, events: nil, enabled: !hook.enabled)
                return DashboardHTML.seeOther("/dashboard/webhooks")
            })
        dashboard.post(
            "webhooks/:id/delete",
            use: signedIn(.manageSettings) { visit in
                _ = try await services.eventWebhooks.delete(id: try await ownWebhook(visit).id, accountID: visit.session.accountID)
                return DashboardHTML.seeOther("/dashboard/webhooks")
            })
        dashboard.post(
            "webhooks/:id/events/:eventId/redeliver",
            use: signedIn(.manageSettings) { visit in
                let hook = try await ownWebhook(visit)
                guard
                    try await services.eventWebhooks.outbox.redeliver(
                        eventID: visit.context.parameters.get("eventId") ?? "", webhookID: hook.id, accountID: visit.session.accountID,
                        now: services.clock.now())
                else { throw HTTPError(.notFound) }
                return DashboardHTML.seeOther("/dashboard/webhooks")
            })
    }

    func ownWebhook(_ visit: Visit) async throws -> Webhook {
        guard let id = visit.context.parameters.get("id", as: Int64.self),
            let hook = try await services.eventWebhooks.find(id: id, accountID: visit.session.accountID)
        else { throw HTTPError(.notFound) }
        return hook
    }

    func webhooksPage(
        _ visit: Visit, secret: String? = nil, formURL: String = "", error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var rows: [WebhooksView.Row] = []
        for hook in try await services.eventWebhooks.list(accountID: visit.session.accountID) {
            let attempts = try await services.eventWebhooks.outbox.attempts(webhookID: hook.id, limit: 10).map { attempt in
                WebhooksView.Attempt(
                    event: attempt.event, eventID: "evt_\(attempt.messageID)", time: DashboardFormat.time(attempt.attemptedAt),
                    status: attempt.statusCode == 0 ? "no answer" : String(attempt.statusCode), ms: attempt.latencyMilliseconds,
                    error: attempt.error, webhookID: hook.id)
            }
            rows.append(
                WebhooksView.Row(
                    id: hook.id, url: hook.url, events: hook.events.map(\.rawValue).joined(separator: ", "), enabled: hook.enabled, attempts: attempts
                ))
        }
        let view = WebhooksView(hooks: rows, formURL: formURL, error: error, secret: secret)
        return html.page("webhooks", title: "Event webhooks", view, session: visit.session, section: "settings", status: status)
    }
}
