import Foundation
import Hummingbird
import NIOCore

/// The OpenAPI 3.1 document of everything `/v2` serves, built from one table of operations
/// (`OpenAPIOperations`) so that a test can hold it against the router: a route missing from the document,
/// or a documented path no route serves, fails the build. `docs/openapi.json` is this document, committed.
public enum OpenAPIDocument {
    /// One documented operation. Path parameters come from `{name}` in the path.
    struct Operation: Sendable {
        let method: String
        let path: String
        let tag: String
        let summary: String
        var query: [Parameter] = []
        var body: Schema? = nil
        var response: Schema = .ref("EntityUri")
        var success = 200
        /// Other representations of the success (CSV exports, the event stream), by media type.
        var alternatives: [String: Schema] = [:]
        /// Further success statuses with the same body (a repeated idempotent request answers 200, a new one 201).
        var alsoSuccess: [Int] = []
        /// `nil` for the few public routes; otherwise the scope the key needs.
        var scope: String?
    }

    struct Parameter: Sendable {
        let name: String
        let schema: Schema
        var description: String? = nil
        var required = false
    }

    /// Just enough of JSON Schema for this API.
    indirect enum Schema: Sendable {
        case ref(String)
        case string(format: String? = nil, pattern: String? = nil, values: [String]? = nil)
        case integer
        /// An integer enum (ClickMeter's enums are integers on the wire).
        case integers([Int])
        case number
        case boolean
        case array(Schema)
        case object([String: Schema], required: [String] = [])
        /// Any JSON object (free-form members).
        case anyObject
        case nullable(Schema)

        var json: [String: Any] {
            switch self {
            case .ref(let name): return ["$ref": "#/components/schemas/\(name)"]
            case .string(let format, let pattern, let values):
                var json: [String: Any] = ["type": "string"]
                if let format { json["format"] = format }
                if let pattern { json["pattern"] = pattern }
                if let values { json["enum"] = values }
                return json
            case .integer: return ["type": "integer", "format": "int64"]
            case .integers(let values): return ["type": "integer", "enum": values]
            case .number: return ["type": "number"]
            case .boolean: return ["type": "boolean"]
            case .array(let items): return ["type": "array", "items": items.json]
            case .object(let properties, let required):
                var json: [String: Any] = ["type": "object", "properties": properties.mapValues(\.json)]
                if !required.isEmpty { json["required"] = required.sorted() }
                return json
            case .anyObject: return ["type": "object"]
            case .nullable(let schema):
                if case .ref = schema { return ["oneOf": [schema.json, ["type": "null"]]] }
                var json = schema.json
                json["type"] = [json["type"] ?? "object", "null"]
                return json
            }
        }
    }

    static let errorStatuses = [400, 401, 403, 404, 409, 413, 429]

    static func document(operations: [Operation] = OpenAPIOperations.all) -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for operation in operations {
            var parameters: [[String: Any]] = pathParameters(operation.path)
            for parameter in operation.query {
                var entry: [String: Any] = ["name": parameter.name, "in": "query", "required": parameter.required, "schema": parameter.schema.json]
                if let description = parameter.description { entry["description"] = description }
                parameters.append(entry)
            }
            var content: [String: Any] = ["application/json": ["schema": operation.response.json] as [String: Any]]
            for (type, schema) in operation.alternatives { content[type] = ["schema": schema.json] as [String: Any] }
            let success: [String: Any] = operation.success == 204 ? ["description": "done"] : ["description": "success", "content": content]
            var responses: [String: Any] = [String(operation.success): success]
            for status in operation.alsoSuccess { responses[String(status)] = success }
            for status in errorStatuses {
                responses[String(status)] = ["$ref": "#/components/responses/Error\(status)"]
            }
            var entry: [String: Any] = [
                "operationId": operationID(operation), "tags": [operation.tag], "summary": operation.summary, "responses": responses,
            ]
            if !parameters.isEmpty { entry["parameters"] = parameters }
            if let body = operation.body {
                entry["requestBody"] = ["required": true, "content": ["application/json": ["schema": body.json]]]
            }
            if let scope = operation.scope {
                entry["x-scope"] = scope
            } else {
                entry["security"] = [[String: Any]]()
            }
            paths[operation.path, default: [:]][operation.method] = entry
        }
        var errorResponses: [String: Any] = [:]
        for status in errorStatuses {
            errorResponses["Error\(status)"] = [
                "description": HTTPStatusText.phrase(status), "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
            ]
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "ClickTally API", "version": "2",
                "description":
                    "ClickMeter API v2 compatible management API of a self-hosted ClickTally server, plus ClickTally's own key management. Every operation needs an API key (any of the four forms below) with the scope named in x-scope.",
            ],
            "servers": [["url": "/v2"]],
            "security": [["clickMeterHeader": []], ["apiKeyHeader": []], ["bearer": []], ["queryKey": []]],
            "paths": paths,
            "components": [
                "schemas": OpenAPISchemas.all.mapValues(\.json), "responses": errorResponses,
                "securitySchemes": [
                    "clickMeterHeader": [
                        "type": "apiKey", "in": "header", "name": "X-Clickmeter-AuthKey", "description": "ClickMeter's header (any case)",
                    ],
                    "apiKeyHeader": ["type": "apiKey", "in": "header", "name": "X-ClickMeter-API-Key"],
                    "bearer": ["type": "http", "scheme": "bearer", "description": "Authorization: Bearer <key>"],
                    "queryKey": [
                        "type": "apiKey", "in": "query", "name": "authKey",
                        "description": "ClickMeter's query form (also api_key); discouraged: answered with a warning header and an alert",
                    ],
                ],
            ],
        ]
    }

    /// The document as the server serves it and the repository keeps it: sorted keys, two-space indent.
    public static func json() -> Data {
        let data =
            (try? JSONSerialization.data(withJSONObject: document(), options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
        return data + Data("\n".utf8)
    }

    static func pathParameters(_ path: String) -> [[String: Any]] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { segment in
            let name = String(segment.dropFirst().dropLast())
            let schema: Schema =
                switch name {
                case "type": .string(values: ["datapoint", "group"])
                case "keyId": .string(pattern: "^[0-9A-Za-z]{8,12}$")
                default: .integer
                }
            return ["name": name, "in": "path", "required": true, "schema": schema.json]
        }
    }

    static func operationID(_ operation: Operation) -> String {
        let words = operation.path.split(separator: "/").map { segment -> String in
            let clean = segment.replacingOccurrences(of: "{", with: "by_").replacingOccurrences(of: "}", with: "")
            return clean.prefix(1).uppercased() + clean.dropFirst()
        }
        return operation.method + words.joined()
    }
}

enum HTTPStatusText {
    static func phrase(_ status: Int) -> String {
        switch status {
        case 400: "the input is not valid; errors[0].property names the member"
        case 401: "no key, or a key that is unknown, revoked or expired"
        case 403: "the key lacks the scope, or plain HTTP off loopback"
        case 404: "no such object in this account"
        case 409: "the object's state forbids it (a revoked key cannot be changed)"
        case 413: "the body is too large"
        case 429: "rate limited; see Retry-After"
        default: "error"
        }
    }
}

extension OpenAPIDocument {
    /// `GET /v2/openapi.json`, public like any API description; built once.
    static func addRoute(to api: APIRoutes) {
        let body = json()
        api.onPublic(.get, "openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}
