import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// Every ClickMeter operation, called successfully by the account's admin key on an account that has one object of
/// every kind and some hits, and the shape of its JSON answer (member names and JSON types, nested; a member some
/// list items lack ends in `?`) pinned in `WireShapes.txt`, the same on both engines. The shapes the running
/// ClickMeter API answered where its document differs are asserted on their own in `RunningAPIShapeTests`.
/// `CLICKTALLY_RECORD_SHAPES=1` rewrites the file after a deliberate change; review its diff.
@Suite struct WireShapeTests {
    typealias Auth = APIKeyAuthTests

    /// ClickTally's own routes (keys, alerts, audit, the OpenAPI document, the live stream, server-to-server
    /// conversions and the `/links` alias) are not ClickMeter's operations.
    static func isClickMeter(_ route: String) -> Bool {
        let path = route.split(separator: " ")[1]
        return ![
            "/v2/keys", "/v2/alerts", "/v2/audit", "/v2/openapi", "/v2/links", "/v2/clickstream/live", "/v2/webhooks", "/v2/account/key-policy",
        ].contains { path.hasPrefix($0) }
            && !path.hasSuffix("/events")
    }

    @Test(arguments: TestEngine.available)
    func everyOperationAnswersInItsPinnedShape(_ engine: TestEngine) async throws {
        let values: [String: ConfigContent] = [
            AppConfiguration.Key.authFailureBurst: .int(1_000_000), AppConfiguration.Key.durable: .bool(true),
        ]
        try await Auth.withSetup(engine, values) { setup in
            let routes = setup.server.apiRoutes.all.filter { $0.value != .publicRoute }.keys.sorted().filter(Self.isClickMeter)
            #expect(routes.count >= 108)
            let (lines, failures) = try await setup.server.application.test(.live) { client in
                let world = try await AuthMatrixWorld.build(setup, client: client)
                // Clicks on both links (hits, and figures in every statistic), and a grant for the account's guest.
                for name in ["hhqqloose", "aaqqshared"] {
                    for agent in ["Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "curl/8.5.0"] {
                        #expect(try await client.execute(uri: "/\(name)", method: .get, headers: [.userAgent: agent]).status == .found)
                    }
                }
                let bodies = WireShapeBodies(world)
                let grant = try await client.execute(
                    uri: "/v2/account/guests/\(world.id("guest", .own))/group/permissions/patch", method: .post,
                    headers: [HTTPField.Name("X-ClickMeter-API-Key")!: world.key(.admin), .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"action":"add","id":\#(bodies.group),"verb":"r"}"#))
                #expect(grant.status == .ok)
                var lines: [String] = []
                var failures: [String] = []
                // Deletions last, a sub-resource's before its owner's.
                let ordered =
                    routes.filter { !$0.hasPrefix("DELETE") } + routes.filter { $0.hasPrefix("DELETE") }.sorted { ($0.count, $0) > ($1.count, $1) }
                for route in ordered {
                    let method = HTTPRequest.Method(String(route.split(separator: " ")[0]))!
                    let path = bodies.path(route)
                    let response = try await client.execute(
                        uri: path, method: method,
                        headers: [HTTPField.Name("X-ClickMeter-API-Key")!: world.key(.admin), .contentType: "application/json"],
                        body: ByteBuffer(string: bodies.body(route)))
                    guard (200..<300).contains(Int(response.status.code)) else {
                        failures.append("\(route) → \(path): \(response.status.code) \(String(buffer: response.body).prefix(300))")
                        continue
                    }
                    let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView), options: [.fragmentsAllowed])
                    lines.append("\(route) \(WireShape.describe(json))")
                }
                return (lines, failures)
            }
            #expect(failures.isEmpty, "operations that did not succeed:\n\(failures.joined(separator: "\n"))")
            let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("WireShapes.txt")
            let text = lines.joined(separator: "\n") + "\n"
            if ProcessInfo.processInfo.environment["CLICKTALLY_RECORD_SHAPES"] == "1" { try text.write(to: file, atomically: true, encoding: .utf8) }
            let pinned = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
            let pinnedLines = pinned.split(separator: "\n").map(String.init)
            #expect(pinnedLines.count == lines.count, "WireShapes.txt pins another set of operations")
            let changed = zip(pinnedLines, lines).filter { $0 != $1 }.map { "pinned \($0)\n   now \($1)" }
            if !changed.isEmpty { Issue.record("\(changed.count) shapes changed:\n\(changed.prefix(20).joined(separator: "\n"))") }
        }
    }
}

/// A JSON value's shape: `str`, `num`, `bool`, `null`, `{a:…,b:…}` with sorted members, `[…]` with the items' merged shape.
enum WireShape {
    static func describe(_ value: Any) -> String {
        switch value {
        case let object as [String: Any]:
            return "{" + object.keys.sorted().map { "\($0):\(describe(object[$0]!))" }.joined(separator: ",") + "}"
        case let array as [Any]:
            let objects = array.compactMap { $0 as? [String: Any] }
            guard !array.isEmpty else { return "[]" }
            guard objects.count == array.count else { return "[" + Set(array.map(describe)).sorted().joined(separator: "|") + "]" }
            // Items of one list share a shape; a member only some items carry is marked optional.
            let keys = Set(objects.flatMap(\.keys)).sorted()
            let members = keys.map { key in
                let present = objects.compactMap { $0[key] }
                let shapes = Set(present.map(describe)).sorted().joined(separator: "|")
                return "\(key)\(present.count < objects.count ? "?" : ""):\(shapes)"
            }
            return "[{" + members.joined(separator: ",") + "}]"
        case let number as NSNumber:
            return WireObject.isBool(number) ? "bool" : "num"
        case is String: return "str"
        case is NSNull: return "null"
        default: return "?"
        }
    }
}
