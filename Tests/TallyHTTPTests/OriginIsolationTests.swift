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

/// Tenant-written scripts never run in the dashboard's origin, and tracking pages never receive its cookies
/// (issue 13 §2). The browser-level attack (a script that tries to read /dashboard/keys and post a form) is in
/// Tests/browser/dashboard_journey.py; this checks what the server sends, on both engines.
@Suite struct OriginIsolationTests {
    static let attack = #"<script>fetch('/dashboard/keys').then(function(r){return r.text()})</script>"#

    @Test(arguments: TestEngine.available)
    func pagesWithTenantScriptsAreSandboxedAndGetNoDashboardCookie(_ engine: TestEngine) async throws {
        try await DashboardTests.withOwner(engine) { server, database, browser in
            #expect(browser.paths["ct_session"] == "/dashboard")
            let accountID = try #require(
                try await database.read { db in
                    try await db.select().column("account_id").from("users").first(decodingColumn: "account_id", as: Int64.self)
                })
            let (_, fullKey) = try await server.keys.create(.init(name: "t", scopes: .admin), accountID: accountID, by: .init(name: "t"))
            let key: HTTPFields = [HTTPField.Name("X-ClickMeter-API-Key")!: fullKey, .contentType: "application/json"]
            let body = try JSONSerialization.data(withJSONObject: ["name": "steal", "script": Self.attack])
            let script = try await browser.client.execute(uri: "/v2/retargeting", method: .post, headers: key, body: ByteBuffer(bytes: body))
            let scriptID = try #require(try script.json()["id"] as? Int)
            for (name, extra) in [("rt", ""), ("framed", #","hideUrl":true"#)] {
                _ = try await LinkBehaviourTests.create(
                    browser.client, key,
                    #"{"type":0,"name":"\#(name)","typeTL":{"url":"https://dest.example/","scripts":[{"id":\#(scriptID)}]\#(extra)}}"#)
            }

            #expect(try await browser.get("/dashboard").status == .ok)
            #expect(browser.sent.contains("ct_session"))
            // The intermediate page: an opaque origin for the whole page, and no dashboard cookie sent with it.
            let page = try await browser.get("/rt")
            #expect(!browser.sent.contains("ct_session"))
            #expect(page.status == .ok && page.text.contains(Self.attack))
            #expect(page.headers[HTTPField.Name("Content-Security-Policy")!] == "sandbox allow-scripts allow-top-navigation allow-popups")
            // The frame page keeps its origin for the destination's frame, so the scripts run only in a sandboxed srcdoc frame.
            let framed = try await browser.get("/framed")
            #expect(!browser.sent.contains("ct_session"))
            #expect(!framed.text.contains(Self.attack), "the script must not stand in the page itself")
            #expect(framed.text.contains(#"<iframe sandbox="allow-scripts allow-popups" srcdoc=""#))
            #expect(framed.text.contains(HTMLText.escaped(Self.attack)))
            #expect(!framed.text.contains("allow-same-origin"))
        }
    }
}
