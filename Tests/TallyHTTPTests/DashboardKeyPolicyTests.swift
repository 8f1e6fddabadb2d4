import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// The key policy in the dashboard: the form saves it (and refuses nonsense with the reason), the key list shows each
/// key's age and when rotation is due, a banner says what needs doing, and a key the policy disabled is enabled from its
/// page. Limits and credits show on the key's page.
@Suite struct DashboardKeyPolicyTests {
    @Test(arguments: TestEngine.available)
    func thePolicyIsSetShownAndActedOnInTheDashboard(_ engine: TestEngine) async throws {
        let clock = MovableClock(StatsAPITests.start)
        try await DashboardTests.withOwner(engine, clock: clock) { server, database, browser in
            let owner = try #require(try await AccountService(database: database).user(email: "owner@example.com"))
            var metered = KeyService.NewKey(name: "metered", scopes: .readOnly)
            metered.limits = [try KeyLimit(name: "daily", requests: 500, seconds: 86_400)]
            metered.usage = try UsageLimit(remaining: 40, refill: try UsageRefill(amount: 40, period: .month))
            let (key, _) = try await server.keys.create(metered, accountID: owner.accountID, by: .init(name: "t"))
            let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/keys"), "_csrf"))

            let bad = try await browser.post("/dashboard/keys/policy", [("_csrf", csrf), ("maxAgeDays", "0"), ("warningDays", "14, 7")])
            #expect(bad.status == .badRequest && DashboardBrowser.text(bad).contains("1 to 3650 days"))
            let words = try await browser.post("/dashboard/keys/policy", [("_csrf", csrf), ("maxAgeDays", "90"), ("warningDays", "soon")])
            #expect(words.status == .badRequest && DashboardBrowser.text(words).contains("comma-separated"))
            let saved = try await browser.post(
                "/dashboard/keys/policy",
                [("_csrf", csrf), ("maxAgeDays", "90"), ("warningDays", "14, 7, 1"), ("staleDays", "30"), ("disableStale", "yes")])
            #expect(saved.status == .seeOther)
            #expect(try await AccountService(database: database).keyPolicy(accountID: owner.accountID).staleDays == 30)
            let listed = DashboardBrowser.text(try await browser.get("/dashboard/keys?policy=saved"))
            #expect(listed.contains("The key policy is saved") && listed.contains("in 90 days") && listed.contains("0 days"))
            #expect(!listed.contains("key-banner"), "nothing due yet")

            // The key made 31 days ago (the session would not live through a clock moved by a month): never used, so stale
            // and disabled.
            let day: Int64 = 86_400_000
            try await database.read { db in
                try await db.update("api_keys").set("created_at", to: StatsAPITests.start - 31 * day)
                    .set("secret_created_at", to: StatsAPITests.start - 31 * day).where("id", .equal, key.id).run()
            }
            _ = try await KeyPolicySweeper(database: database, clock: clock.wallClock, logger: testLogger).sweep()
            let page = DashboardBrowser.text(try await browser.get("/dashboard/keys"))
            #expect(page.contains("1 key was disabled for going unused"))
            let keyPage = DashboardBrowser.text(try await browser.get("/dashboard/keys/\(key.publicID)"))
            #expect(keyPage.contains("daily: 500 per 86400 s") && keyPage.contains("40 requests left, refilled to 40 each month"))
            #expect(keyPage.contains("Enable key"))
            let enabled = try await browser.post("/dashboard/keys/\(key.publicID)/enable", [("_csrf", csrf)])
            #expect(enabled.status == .seeOther)
            #expect(try await server.keys.key(publicID: key.publicID, accountID: owner.accountID).status == .active)
            // Its secret 80 days old: due for rotation within the 14-day warning.
            try await database.read { db in
                try await db.update("api_keys").set("secret_created_at", to: StatsAPITests.start - 80 * day).where("id", .equal, key.id).run()
            }
            let due = DashboardBrowser.text(try await browser.get("/dashboard/keys"))
            #expect(due.contains("1 key is due for rotation") && due.contains("in 10 days"))
        }
    }
}
