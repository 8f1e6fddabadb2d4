import Foundation
import TallyCore

/// The event webhooks page (`webhooks`): each webhook with its last attempts, the form to add one, and — once, right
/// after adding — its signing secret.
struct WebhooksView: DashboardView {
    struct Attempt: DashboardView {
        let event: String
        let eventID: String
        let time: String
        let status: String
        let ms: Int
        let error: String
        let webhookID: Int64

        func child(named key: String) -> Any? {
            switch key {
            case "event": event
            case "eventID": eventID
            case "time": time
            case "status": status
            case "ms": ms
            case "error": error.isEmpty ? nil : error
            case "webhookID": webhookID
            default: nil
            }
        }
    }

    struct Row: DashboardView {
        let id: Int64
        let url: String
        let events: String
        let enabled: Bool
        let attempts: [Attempt]

        func child(named key: String) -> Any? {
            switch key {
            case "id": id
            case "url": url
            case "events": events
            case "enabled": enabled
            case "attempts": attempts
            case "noAttempts": attempts.isEmpty
            default: nil
            }
        }
    }

    struct Choice: DashboardView {
        let name: String

        func child(named key: String) -> Any? { key == "name" ? name : nil }
    }

    let hooks: [Row]
    var formURL = ""
    var notice: String?
    var error: String?
    /// Set once, on the page the browser lands on after adding: the new webhook's secret.
    var secret: String?
    static let choices = WebhookEvent.allCases.map { Choice(name: $0.rawValue) }

    func child(named key: String) -> Any? {
        switch key {
        case "hooks": hooks
        case "noHooks": hooks.isEmpty
        case "choices": Self.choices
        case "formURL": formURL
        case "notice": notice
        case "error": error
        case "secret": secret
        default: nil
        }
    }
}

extension DashboardTemplates {
    static let webhooks: [(String, String)] = [
        (
            "webhooks",
            """
            <h1>Event webhooks</h1>
            <p>Your endpoints receive this account's events as they happen — clicks, link changes, conversions, key changes and
            alerts — signed, retried for 24 hours, never lost. <a href="/dashboard/settings">Settings</a></p>
            {{> errors}}
            {{#secret}}<div class="warning" role="alert" id="webhook-secret"><p><b>Store this signing secret now: it will not be shown
            again.</b> Your endpoint checks each delivery's <code>X-ClickTally-Signature</code> with it.</p>
            <input id="secret" class="secret" type="text" readonly value="{{secret}}"></div>{{/secret}}
            <section class="card" aria-labelledby="hooks-title"><h2 id="hooks-title">Your webhooks</h2>
            {{#noHooks}}<p>None yet.</p>{{/noHooks}}
            {{#hooks}}<article class="webhook" id="webhook-{{id}}"><h3><code>{{url}}</code> {{#enabled}}<span class="badge active">enabled</span>{{/enabled}}{{^enabled}}<span class="badge paused">disabled</span>{{/enabled}}</h3>
            <p><small>{{events}}</small></p>
            <form class="inline" method="post" action="/dashboard/webhooks/{{id}}/toggle"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="secondary">{{#enabled}}Disable{{/enabled}}{{^enabled}}Enable{{/enabled}}</button></form>
            <form class="inline" method="post" action="/dashboard/webhooks/{{id}}/delete"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="danger">Delete</button></form>
            {{#noAttempts}}<p class="muted">No deliveries yet.</p>{{/noAttempts}}
            {{^noAttempts}}<div class="table-wrap"><table><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Answer</th><th scope="col">ms</th><th scope="col"></th></tr></thead><tbody>
            {{#attempts}}<tr><td>{{time}}</td><td><code>{{event}}</code> <small>{{eventID}}</small></td><td>{{status}}{{#error}}<br><small>{{error}}</small>{{/error}}</td><td>{{ms}}</td>
            <td><form class="inline" method="post" action="/dashboard/webhooks/{{webhookID}}/events/{{eventID}}/redeliver"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="secondary">Send again</button></form></td></tr>{{/attempts}}
            </tbody></table></div>{{/noAttempts}}
            </article>{{/hooks}}
            </section>
            <section class="card" aria-labelledby="new-hook"><h2 id="new-hook">Add a webhook</h2>
            <form method="post" action="/dashboard/webhooks"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="hook-url">Endpoint URL (https, reachable from the internet)</label><input id="hook-url" name="url" type="text" inputmode="url" required value="{{formURL}}">
            <fieldset><legend>Events</legend>
            {{#choices}}<label class="inline"><input type="checkbox" name="event" value="{{name}}"> <code>{{name}}</code></label>{{/choices}}
            </fieldset>
            <div><button type="submit">Add webhook</button></div></form></section>
            """
        )
    ]
}
