import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLKit
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// The authorization matrix (issue 13 §4): every catalogued `/v2` route × ten kinds of caller × the kinds of object
/// the route addresses (the account's own, shared with the caller, not shared, another account's) → one exact
/// status, pinned in `AuthMatrix.txt` beside this file and the same on both engines. Rules that must hold in every
/// cell are checked as well: another account's objects are 404, an address outside the key's allow-list is refused
/// everywhere, a read-only key writes nothing, a caller never reads what it cannot see (no unshared name or id in a
/// 2xx body). `CLICKTALLY_RECORD_MATRIX=1` rewrites the file after a deliberate change; review its diff.
@Suite struct AuthMatrixTests {
    typealias Auth = APIKeyAuthTests

    enum Object: String, CaseIterable {
        case own, shared, unshared, other
    }

    /// What a route's `:id` names, from its path.
    static func resource(of route: String) -> String? {
        guard route.contains(":id") else { return nil }
        let path = route.split(separator: " ")[1].dropFirst("/v2/".count)
        for (prefix, kind) in [
            ("datapoints/", "datapoint"), ("links/", "datapoint"), ("groups/", "group"), ("conversions/", "conversion"),
            ("tags/", "tag"), ("retargeting/", "script"), ("account/guests/", "guest"), ("account/ipblacklist/", "blacklist"),
            ("account/domainwhitelist/", "whitelist"), ("domains/", "domain"), ("keys/", "key"), ("alerts/", "alert"),
            ("webhooks/", "webhook"),
        ] where path.hasPrefix(prefix) {
            return kind
        }
        return "unknown"
    }

    /// Which objects a route is tried on: sharing exists for datapoints and groups; other objects belong to an account.
    static func objects(for resource: String?) -> [Object] {
        switch resource {
        case nil: [.own]
        case "datapoint": Object.allCases
        case "group": [.shared, .unshared, .other]
        default: [.own, .other]
        }
    }

    @Test(arguments: TestEngine.available)
    func everyRouteEveryCallerEveryObject(_ engine: TestEngine) async throws {
        try await Auth.withSetup(engine, [AppConfiguration.Key.authFailureBurst: .int(1_000_000)]) { setup in
            let routes = setup.server.apiRoutes.all.filter { $0.value != .publicRoute }.keys.sorted()
                // The live stream stays open as long as the client listens; its own tests cover who may open one.
                .filter { !$0.hasSuffix("/clickstream/live") }
            #expect(routes.count >= 100)
            #expect(routes.filter { Self.resource(of: $0) == "unknown" }.isEmpty, "routes whose :id the matrix cannot fill")
            let (lines, violations) = try await setup.server.application.test(.live) { client in
                let world = try await AuthMatrixWorld.build(setup, client: client)
                var lines: [String] = []
                var violations: [String] = []
                // Deletions last, callers from the least to the most privileged: a deletion that succeeds cannot
                // turn a later cell's answer into a 404 it did not earn.
                let ordered = routes.filter { !$0.hasPrefix("DELETE") } + routes.filter { $0.hasPrefix("DELETE") }
                for route in ordered {
                    let resource = Self.resource(of: route)
                    let method = HTTPRequest.Method(String(route.split(separator: " ")[0]))!
                    for caller in AuthMatrixWorld.Caller.allCases {
                        for object in Self.objects(for: resource) {
                            // A deletion the owner's full keys may obviously make is left to each resource's own tests.
                            if method == .delete, [.admin, .readWrite, .expiring].contains(caller), object != .other { continue }
                            var path = String(route.split(separator: " ")[1]).replacingOccurrences(of: ":type", with: "datapoint")
                            if let resource { path = path.replacingOccurrences(of: ":id", with: world.id(resource, object)) }
                            let response = try await client.execute(
                                uri: path, method: method,
                                headers: [HTTPField.Name("X-ClickMeter-API-Key")!: world.key(caller), .contentType: "application/json"],
                                body: ByteBuffer(string: "{}"))
                            let status = Int(response.status.code)
                            let cell = "\(route) \(caller) \(resource == nil ? "-" : object.rawValue)"
                            lines.append("\(cell) \(status)")
                            violations += world.violations(cell: cell, caller: caller, object: object, resource: resource, method: method, response)
                        }
                    }
                }
                return (lines, violations)
            }
            if !violations.isEmpty { Issue.record("\(violations.count) cells break a rule:\n\(violations.prefix(60).joined(separator: "\n"))") }
            let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("AuthMatrix.txt")
            let text = lines.joined(separator: "\n") + "\n"
            if ProcessInfo.processInfo.environment["CLICKTALLY_RECORD_MATRIX"] == "1" {
                try text.write(to: file, atomically: true, encoding: .utf8)
            }
            let pinned = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
            let differences = zip(pinned.split(separator: "\n"), text.split(separator: "\n")).filter { $0 != $1 }.map { "pinned \($0) / now \($1)" }
            #expect(pinned.split(separator: "\n").count == lines.count, "AuthMatrix.txt has another set of cells")
            if !differences.isEmpty { Issue.record("\(differences.count) cells changed:\n\(differences.prefix(60).joined(separator: "\n"))") }
        }
    }
}
