import TallyCore

/// ClickTally's event webhooks (not in ClickMeter).
extension OpenAPIOperations {
    static var webhooks: [Operation] {
        let events = Schema.array(.string(values: WebhookEvent.allCases.map(\.rawValue)))
        let body = Schema.object(["url": .string(values: ["https://hooks.example.com/clicktally"]), "events": events, "enabled": .boolean])
        return [
            Operation(
                method: "get", path: "/webhooks", tag: "Webhooks", summary: "The account's event webhooks", response: .ref("Webhooks"),
                scope: "account:read"),
            Operation(
                method: "post", path: "/webhooks", tag: "Webhooks", summary: "Add a webhook (its signing secret is in the answer, once)",
                body: body, response: .ref("Webhook"), success: 201, scope: "account:write"),
            Operation(method: "get", path: "/webhooks/{id}", tag: "Webhooks", summary: "A webhook", response: .ref("Webhook"), scope: "account:read"),
            Operation(
                method: "post", path: "/webhooks/{id}", tag: "Webhooks", summary: "Change a webhook's URL, events or enabled state", body: body,
                response: .ref("Webhook"), scope: "account:write"),
            Operation(
                method: "delete", path: "/webhooks/{id}", tag: "Webhooks", summary: "Delete a webhook and its queue", success: 204,
                scope: "account:write"),
            Operation(
                method: "get", path: "/webhooks/{id}/events", tag: "Webhooks", summary: "The webhook's events, newest first, with their state",
                query: [Parameter(name: "limit", schema: .integer)], response: .ref("WebhookEvents"), scope: "account:read"),
            Operation(
                method: "get", path: "/webhooks/{id}/deliveries", tag: "Webhooks", summary: "Delivery attempts: status, response time, error",
                query: [Parameter(name: "limit", schema: .integer)], response: .ref("WebhookDeliveries"), scope: "account:read"),
            Operation(
                method: "post", path: "/webhooks/{id}/events/{eventId}/redeliver", tag: "Webhooks", summary: "Send an event again now",
                response: .anyObject, success: 202, scope: "account:write"),
        ]
    }
}
