/// ClickTally's own key management, alerts and audit (not in ClickMeter).
extension OpenAPIOperations {
    static var keys: [Operation] {
        let limits = Schema.array(
            .object(
                [
                    "name": .string(values: ["daily", "hourly"]), "requests": .integers([1, 100, 50_000]), "seconds": .integers([60, 3_600, 86_400]),
                ],
                required: ["name", "requests", "seconds"]))
        let usage = Schema.object([
            "remaining": .integers([0, 10, 1_000]), "unlimited": .boolean,
            "refill": .object(["amount": .integers([1, 1_000]), "period": .string(values: ["day", "month"])], required: ["amount", "period"]),
        ])
        let create = Schema.object(
            [
                "name": name, "scopes": .array(.string(values: ["datapoints:read", "groups:read", "tags:write", "stats:read"])),
                "groups": .array(.integer), "allowedNetworks": .array(.string(values: ["10.0.0.0/8", "127.0.0.1/32"])),
                "expiresInDays": .integers([1, 30, 365]),
                "rateLimit": .object(["perSecond": .integers([1, 5, 10]), "burst": .integers([1, 10, 20])]),
                "format": .string(values: ["standard", "guid"]), "limits": limits, "usage": usage,
            ], required: ["name", "scopes"])
        return [
            Operation(method: "get", path: "/keys", tag: "Keys", summary: "List the account's keys", response: .ref("Keys"), scope: "keys:read"),
            Operation(
                method: "post", path: "/keys", tag: "Keys", summary: "Create a key (the full key is in the answer, once)", body: create,
                response: .ref("Key"), success: 201, scope: "keys:write"),
            Operation(method: "get", path: "/keys/{keyId}", tag: "Keys", summary: "Get a key", response: .ref("Key"), scope: "keys:read"),
            Operation(
                method: "post", path: "/keys/{keyId}", tag: "Keys", summary: "Rename a key, change its allowed networks, limits or usage",
                body: .object(["name": .string(), "allowedNetworks": .array(.string()), "limits": limits, "usage": usage]), response: .ref("Key"),
                scope: "keys:write"),
            Operation(
                method: "post", path: "/keys/{keyId}/rotate", tag: "Keys", summary: "Rotate a key (new key in the answer, once)",
                body: .object(["graceHours": .number]), response: .ref("Key"), scope: "keys:write"),
            Operation(method: "post", path: "/keys/{keyId}/revoke", tag: "Keys", summary: "Revoke a key", response: .ref("Key"), scope: "keys:write"),
            Operation(method: "delete", path: "/keys/{keyId}", tag: "Keys", summary: "Revoke a key", response: .ref("Key"), scope: "keys:write"),
            Operation(
                method: "get", path: "/keys/{keyId}/usage", tag: "Keys", summary: "Requests per time bucket",
                query: [
                    Parameter(name: "from", schema: .integer, description: "milliseconds since 1970"), Parameter(name: "to", schema: .integer),
                    Parameter(name: "granularity", schema: .string(values: ["minute", "hour", "day"])),
                ], response: .ref("KeyUsage"), scope: "keys:read"),
            Operation(
                method: "get", path: "/keys/{keyId}/requests", tag: "Keys", summary: "Recent requests, newest first",
                query: [Parameter(name: "limit", schema: .integer), Parameter(name: "lastKey", schema: .string())], response: .ref("KeyRequests"),
                scope: "keys:read"),
            Operation(
                method: "post", path: "/keys/{keyId}/enable", tag: "Keys", summary: "Enable a key the policy disabled for going unused",
                response: .ref("Key"), scope: "keys:write"),
            Operation(
                method: "get", path: "/account/key-policy", tag: "Keys", summary: "The account's key policy (rotation, reminders, stale keys)",
                response: .ref("KeyPolicy"), scope: "keys:read"),
            Operation(
                method: "put", path: "/account/key-policy", tag: "Keys", summary: "Set the account's key policy",
                body: .object([
                    "maxAgeDays": .nullable(.integers([30, 90, 365])), "warningDays": .array(.integers([14, 7, 1])), "expireAtMaxAge": .boolean,
                    "staleDays": .nullable(.integers([30, 90])), "disableStale": .boolean,
                ]),
                response: .ref("KeyPolicy"), scope: "keys:write"),
            Operation(method: "get", path: "/alerts", tag: "Keys", summary: "Key alerts", response: .ref("Alerts"), scope: "keys:read"),
            Operation(
                method: "post", path: "/alerts/{id}/acknowledge", tag: "Keys", summary: "Acknowledge an alert", success: 204, scope: "keys:write"),
            Operation(method: "get", path: "/audit", tag: "Keys", summary: "The key audit log", response: .ref("Audit"), scope: "keys:read"),
            Operation(
                method: "post", path: "/keys/leaked", tag: "Keys", summary: "Report a leaked key (no key needed; same answer whatever is sent)",
                body: .object(["key": .string()], required: ["key"]), response: .object(["received": .boolean]), success: 202),
            Operation(
                method: "post", path: "/keys/leaked/github", tag: "Keys",
                summary: "GitHub secret-scanning partner reports (signed by GitHub: Github-Public-Key-Identifier and -Signature)",
                body: .array(
                    .object(
                        ["token": .string(), "type": .string(), "url": .string(), "source": .string()], required: ["token"])),
                response: .array(
                    .object(
                        ["token_hash": .string(), "token_type": .string(), "label": .string(values: ["true_positive", "false_positive"])],
                        required: ["token_hash", "token_type", "label"]))),
            Operation(
                method: "get", path: "/openapi.json", tag: "Meta", summary: "This document", response: .anyObject),
        ]
    }
}
