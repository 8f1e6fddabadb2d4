import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyCore
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// The OpenAPI document must describe exactly what the router serves, with the scopes the routes declare, and the
/// committed `docs/openapi.json` must be the document the server serves.
@Suite struct OpenAPITests {
    static func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.json()) as? [String: Any])
    }

    /// `"GET /v2/datapoints/{}"` → the operation object.
    static func operations(_ document: [String: Any]) -> [String: [String: Any]] {
        var operations: [String: [String: Any]] = [:]
        for (path, item) in document["paths"] as? [String: [String: Any]] ?? [:] {
            for (method, operation) in item {
                operations[CompatibilityTableTests.normalised("\(method.uppercased()) /v2\(path)")] = operation as? [String: Any]
            }
        }
        return operations
    }

    @Test func theDocumentHasExactlyTheRoutesWithTheirScopes() async throws {
        // Route → its x-scope ("" for a public route).
        let documented = Self.operations(try Self.document()).mapValues { $0["x-scope"] as? String ?? "" }
        try await withTestServer(.sqlite) { server, _ in
            let routed = Set(
                server.routerRoutes.filter { $0.split(separator: " ").last?.hasPrefix("/v2/") == true }.map(CompatibilityTableTests.normalised))
            for route in routed.sorted() {
                #expect(documented[route] != nil, "the router has \(route); the OpenAPI document lacks it")
            }
            for route in documented.keys.sorted() {
                #expect(routed.contains(route), "the OpenAPI document has \(route); no route serves it")
            }
            var declared: [String: RouteRequirement] = [:]
            for (route, requirement) in server.apiRoutes.all { declared[CompatibilityTableTests.normalised(route)] = requirement }
            for (route, scope) in documented {
                let expected: RouteRequirement = APIScope(scope).map { .scope($0) } ?? .publicRoute
                #expect(
                    declared[route] == expected, "\(route): the document says \(expected), the route declares \(String(describing: declared[route]))")
            }
        }
        // 104 management and key operations, 8 webhook operations, 28 statistics and conversion-event operations.
        #expect(documented.count == 140)
    }

    @Test func everyReferenceResolvesAndEveryOperationIsDescribed() throws {
        let document = try Self.document()
        let text = String(decoding: OpenAPIDocument.json(), as: UTF8.self)
        let components = try #require(document["components"] as? [String: [String: Any]])
        let references = try NSRegularExpression(pattern: ##""\$ref" ?: ?"#/components/(\w+)/(\w+)""##)
        let matches = references.matches(in: text, range: NSRange(text.startIndex..., in: text))
        #expect(!matches.isEmpty)
        for match in matches {
            let kind = String(text[Range(match.range(at: 1), in: text)!])
            let name = String(text[Range(match.range(at: 2), in: text)!])
            #expect(components[kind]?[name] != nil, "#/components/\(kind)/\(name) is referenced but not defined")
        }
        #expect(document["openapi"] as? String == "3.1.0")
        #expect((components["securitySchemes"]?.count) == 4)
        var ids: Set<String> = []
        for (route, operation) in Self.operations(document) {
            #expect((operation["summary"] as? String)?.isEmpty == false, "\(route) has no summary")
            let id = try #require(operation["operationId"] as? String)
            #expect(ids.insert(id).inserted, "operationId \(id) is used twice")
        }
    }

    @Test func theServedDocumentIsTheCommittedOneAndNeedsNoKey() async throws {
        let committed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/openapi.json")
        let file = try Data(contentsOf: committed)
        try await withTestServer(.sqlite) { server, _ in
            try await server.application.test(.live) { client in
                let response = try await client.execute(uri: "/v2/openapi.json", method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect(
                    Data(response.body.readableBytesView) == file,
                    "docs/openapi.json is stale: run `swift run clicktally openapi > docs/openapi.json`")
            }
        }
    }
}
