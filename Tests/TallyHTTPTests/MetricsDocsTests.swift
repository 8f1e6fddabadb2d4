import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// `docs/metrics.md` lists exactly the metrics `/metrics` exposes, each with its type: a server is made to produce
/// every series (redirects, a 404, API requests refused and accepted, an alert), then the two lists must agree.
@Suite struct MetricsDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")

    /// `name → type` of the document's table.
    static func documented() throws -> [String: String] {
        let document = try String(contentsOf: root.appendingPathComponent("docs/metrics.md"), encoding: .utf8)
        var rows: [String: String] = [:]
        for line in document.split(separator: "\n") where line.hasPrefix("| `clicktally_") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            rows[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells[1]
        }
        return rows
    }

    @Test func everyExposedMetricIsDocumentedWithItsType() async throws {
        try await withTestServer(.sqlite, [AppConfiguration.Key.allowQueryKeys: .bool(true)]) { server, database in
            try await server.link("https://example.com/", name: "measured")
            let user = try await AccountService(database: database, bcryptCost: 4).createUser(
                email: "metrics@example.com", password: "long enough pass", now: 1)
            let (_, key) = try await server.keys.create(.init(name: "m", scopes: .readOnly), accountID: user.accountID, by: .init(name: "t"))
            let exposed: String = try await server.application.test(.live) { client in
                _ = try await client.execute(uri: "/measured", method: .get, headers: browser)
                _ = try await client.execute(uri: "/missing-link", method: .get)
                _ = try await client.execute(uri: "/v2/datapoints/count", method: .get)
                _ = try await client.execute(uri: "/v2/datapoints/count?api_key=\(key)", method: .get)
                return try await client.execute(uri: "/metrics", method: .get).text
            }
            var types: [String: String] = [:]
            for line in exposed.split(separator: "\n") where line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                types[String(parts[2])] = String(parts[3])
            }
            let documented = try Self.documented()
            #expect(documented.count >= 12, "the table was not read")
            #expect(types == documented, "exposed \(types)\ndocumented \(documented)")
            #expect(exposed.contains(#"clicktally_api_auth_failures_total{code="key_missing"} 1"#))
            #expect(exposed.contains(#"clicktally_api_requests_total{status="401"} 1"#))
            #expect(exposed.contains(#"clicktally_api_requests_total{status="200"} 1"#))
            #expect(exposed.contains(#"clicktally_key_alerts_total{kind="key_in_url"} 1"#))
            #expect(exposed.contains(#"clicktally_request_duration_seconds_count{kind="tracking"} 2"#))
            #expect(exposed.contains(#"clicktally_request_duration_seconds_count{kind="api"} 2"#))
            #expect(!exposed.contains(key))
        }
    }

    /// The Grafana dashboard in docs/ is JSON Grafana can import, and each of its queries reads documented metrics only
    /// (a renamed metric would leave a panel empty without a word).
    @Test func theGrafanaDashboardQueriesDocumentedMetrics() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("docs/grafana-dashboard.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let expressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(panels.count >= 8 && expressions.count >= panels.count)
        let documented = try Self.documented()
        let pattern = try Regex(#"clicktally_[a-z_]+"#)
        var used: Set<String> = []
        for expression in expressions {
            for match in expression.matches(of: pattern) {
                var name = String(expression[match.range])
                for suffix in ["_bucket", "_count", "_sum"] where name.hasSuffix(suffix) && documented[name] == nil {
                    name = String(name.dropLast(suffix.count))
                }
                used.insert(name)
                #expect(documented[name] != nil, "\(name) in \(expression)")
            }
        }
        // The panels the operators' view needs: redirects, p99, buffer, lag, batches, API by status, auth failures, alerts.
        for needed in [
            "clicktally_tracking_responses_total", "clicktally_request_duration_seconds", "clicktally_hit_buffer_depth",
            "clicktally_hit_writer_lag_milliseconds", "clicktally_hit_batch_size", "clicktally_api_requests_total",
            "clicktally_api_auth_failures_total", "clicktally_key_alerts_total",
        ] {
            #expect(used.contains(needed), "\(needed)")
        }
    }
}
