import Foundation
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// `docs/clickmeter-compatibility.md` must tell the truth about the router.
@Suite struct CompatibilityTableTests {
    static let additions = ["/keys", "/alerts", "/audit", "/links", "/openapi.json", "/account/key-policy", "/webhooks"]
    static let aliases: Set<String> = [
        "PUT /v2/datapoints", "PATCH /v2/datapoints/batch", "GET /v2/clickstream/live", "POST /v2/conversions/{}/events",
    ]

    /// `GET /v2/tags/{tagId}` and `GET /v2/tags/:id` both become `GET /v2/tags/{}`.
    static func normalised(_ route: String) -> String {
        route.replacingOccurrences(of: #"\{[^}]*\}|:[A-Za-z]+"#, with: "{}", options: .regularExpression)
    }

    @Test func theTableMatchesTheRouter() async throws {
        let documentURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/clickmeter-compatibility.md")
        let text = try String(contentsOf: documentURL, encoding: .utf8)
        var rows: [String: String] = [:]
        for line in text.split(separator: "\n")
        where line.hasPrefix("| GET") || line.hasPrefix("| POST") || line.hasPrefix("| PUT") || line.hasPrefix("| DELETE") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            rows[Self.normalised("\(cells[0]) /v2\(cells[1])")] = cells[2]
        }
        #expect(rows.count == 108)
        let table = rows
        try await withTestServer(.sqlite) { server, _ in
            let routed = Set(server.routerRoutes.map(Self.normalised))
            for (route, status) in table where status == "implemented" {
                #expect(routed.contains(route), "the table says \(route) is implemented; the router has no such route")
            }
            for route in routed where route.split(separator: " ").last?.hasPrefix("/v2/") == true {
                let path = String(route.split(separator: " ").last!.dropFirst(3))
                guard !Self.additions.contains(where: { path.hasPrefix($0) }), !Self.aliases.contains(route) else { continue }
                #expect(table[route] == "implemented", "the router has \(route); the table does not mark it implemented")
            }
        }
    }
}
