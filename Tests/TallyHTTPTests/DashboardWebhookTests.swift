import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// An account's own alert webhook, set in the dashboard's settings: alerts of its keys go there, signed with the
/// secret the owner chose (and with no server-wide webhook configured at all).
@Suite struct DashboardWebhookTests {
    @Test(arguments: TestEngine.available)
    func theAccountsOwnWebhookReceivesItsKeyAlertsSigned(_ engine: TestEngine) async throws {
        let secret = "account-secret-0123456789"
        try await WebhookTests.withReceiver { port, received in
            // The receiver is on loopback: the test-only allowance (refused off a loopback --host).
            let loopback: [String: ConfigContent] = [AppConfiguration.Key.outboundAllowLoopback: .bool(true)]
            try await DashboardTests.withOwner(engine, clock: MovableClock(StatsAPITests.start), loopback) { server, database, browser in
                let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/settings"), "_csrf"))
                let hook = "http://127.0.0.1:\(port)/hook"
                // Inside addresses stay refused, in any spelling, with the reason on the page.
                for inside in [
                    "http://10.0.0.1/hook", "http://167772161/hook", "http://[::ffff:169.254.169.254]/", "http://metadata.google.internal/",
                ] {
                    let refused = try await browser.post("/dashboard/settings/webhook", [("_csrf", csrf), ("url", inside), ("secret", secret)])
                    #expect(refused.status == .badRequest, "\(inside)")
                    #expect(DashboardBrowser.text(refused).contains("inside") || DashboardBrowser.text(refused).contains("this machine"), "\(inside)")
                }
                let short = try await browser.post("/dashboard/settings/webhook", [("_csrf", csrf), ("url", hook), ("secret", "short")])
                #expect(short.status == .badRequest && DashboardBrowser.text(short).contains("16 to 200 characters"))
                let ftp = try await browser.post("/dashboard/settings/webhook", [("_csrf", csrf), ("url", "ftp://example.com/"), ("secret", secret)])
                #expect(ftp.status == .badRequest)
                let saved = try await browser.post("/dashboard/settings/webhook", [("_csrf", csrf), ("url", hook), ("secret", secret)])
                #expect(saved.status == .seeOther)
                let page = DashboardBrowser.text(try await browser.get("/dashboard/settings"))
                #expect(page.contains(hook) && !page.contains(secret), "the URL is shown, the secret never")
                // Sealed at rest: the column holds no signing secret a database copy could use.
                #expect(try await database.count("accounts", where: "alert_webhook_secret LIKE 'v1:%'") == 1)
                #expect(try await database.count("accounts", where: "alert_webhook_secret LIKE '%\(secret)%'") == 0)
                let owner = try #require(try await AccountService(database: database).user(email: "owner@example.com"))
                let (key, text) = try await server.keys.create(
                    .init(name: "hooked", scopes: .readOnly), accountID: owner.accountID, by: .init(name: "t"))
                // A key sent in the URL raises an alert for its account.
                #expect(try await browser.client.execute(uri: "/v2/links?authKey=\(text)", method: .get).status == .ok)
                let request = try #require(try await received.first())
                let payload = try JSONDecoder().decode(WebhookSender.Payload.self, from: Data(request.body.utf8))
                #expect(payload.kind == "key_in_url" && payload.keyId == key.publicID)
                #expect(request.signature == "sha256=" + WebhookSender.signature(of: Array(request.body.utf8), secret: secret))
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func withoutTheTestAllowanceALoopbackWebhookIsRefusedAtSaveTime(_ engine: TestEngine) async throws {
        try await DashboardTests.withOwner(engine) { _, database, browser in
            let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/settings"), "_csrf"))
            for url in ["http://127.0.0.1:9/hook", "http://localhost:9/hook", "http://0x7f.1/hook", "http://[::1]/hook"] {
                let refused = try await browser.post(
                    "/dashboard/settings/webhook", [("_csrf", csrf), ("url", url), ("secret", "a long enough secret")])
                #expect(refused.status == .badRequest, "\(url)")
            }
            #expect(try await database.count("accounts", where: "alert_webhook_url IS NOT NULL") == 0)
        }
    }
}
