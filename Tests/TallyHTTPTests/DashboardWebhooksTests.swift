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

/// Event webhooks in the dashboard: added (inside URLs and empty choices refused with the reason), the secret shown
/// once, disabled and enabled, deliveries listed with their answer, sent again, deleted.
@Suite struct DashboardWebhooksTests {
    @Test(arguments: TestEngine.available)
    func webhooksAreAddedShownOnceDeliveredAndDeletedInTheDashboard(_ engine: TestEngine) async throws {
        try await EventWebhookTests.Receiver.run { port, receiver in
            receiver.status.withLock { $0 = .noContent }
            let clock = MovableClock(StatsAPITests.start)
            // The server's own dispatcher stopped (its timer never moves): the test delivers, so nothing races it.
            try await DashboardTests.withOwner(engine, clock: clock, EventWebhookTests.loopback, timers: ServiceTimers(jobs: ManualClock())) {
                server, database, browser in
                let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/webhooks"), "_csrf"))
                let inside = try await browser.post(
                    "/dashboard/webhooks", [("_csrf", csrf), ("url", "http://10.0.0.1/in"), ("event", "link.created")])
                #expect(inside.status == .badRequest && DashboardBrowser.text(inside).contains("inside"))
                let hook = "http://127.0.0.1:\(port)/hook"
                let none = try await browser.post("/dashboard/webhooks", [("_csrf", csrf), ("url", hook)])
                #expect(none.status == .badRequest && DashboardBrowser.text(none).contains("at least one event"))
                let added = try await browser.post(
                    "/dashboard/webhooks", [("_csrf", csrf), ("url", hook), ("event", "link.created"), ("event", "link.updated")])
                #expect(added.status == .seeOther && added.headers[.location] == "/dashboard/webhooks/shown")
                let shown = DashboardBrowser.text(try await browser.get("/dashboard/webhooks/shown"))
                let secret = try #require(shown.range(of: "whsec_[0-9a-f]{64}", options: .regularExpression).map { String(shown[$0]) })
                #expect(try await browser.get("/dashboard/webhooks/shown").status == .seeOther, "shown once")
                let listed = DashboardBrowser.text(try await browser.get("/dashboard/webhooks"))
                #expect(!listed.contains(secret) && listed.contains(hook))
                let owner = try #require(try await AccountService(database: database).user(email: "owner@example.com"))
                let id = try #require(try await server.dispatcherWebhooks.list(accountID: owner.accountID).first?.id)

                // Disabled: nothing queued; enabled again: a new link's event is delivered and listed with its answer.
                #expect(try await browser.post("/dashboard/webhooks/\(id)/toggle", [("_csrf", csrf)]).status == .seeOther)
                #expect(DashboardBrowser.text(try await browser.get("/dashboard/webhooks")).contains("disabled"))
                _ = try await server.datapoints.create(
                    accountID: owner.accountID, domain: server.defaults.systemDomain, .init(destination: "https://example.com/", name: "unseen"))
                #expect(try await database.count("webhook_outbox") == 0)
                #expect(try await browser.post("/dashboard/webhooks/\(id)/toggle", [("_csrf", csrf)]).status == .seeOther)
                _ = try await server.datapoints.create(
                    accountID: owner.accountID, domain: server.defaults.systemDomain, .init(destination: "https://example.com/", name: "seen"))
                #expect(try await server.dispatcher.deliverDue() == 1)
                #expect(receiver.events == ["link.created"])
                let request = try #require(receiver.all.first)
                #expect(
                    WebhookSignature.verify(
                        header: request.signature, body: Array(request.body.utf8), secret: secret, now: clock.wallClock.now() / 1000))
                let page = DashboardBrowser.text(try await browser.get("/dashboard/webhooks"))
                #expect(page.contains("link.created") && page.contains("204") && page.contains("enabled"))

                let eventID = try #require(page.range(of: "evt_[0-9]+", options: .regularExpression).map { String(page[$0]) })
                #expect(try await browser.post("/dashboard/webhooks/\(id)/events/\(eventID)/redeliver", [("_csrf", csrf)]).status == .seeOther)
                #expect(try await server.dispatcher.deliverDue() == 1)
                #expect(receiver.events == ["link.created", "link.created"])

                #expect(try await browser.post("/dashboard/webhooks/\(id)/delete", [("_csrf", csrf)]).status == .seeOther)
                #expect(try await database.count("webhooks") == 0)
                #expect(try await browser.post("/dashboard/webhooks/\(id)/delete", [("_csrf", csrf)]).status == .notFound)
            }
        }
    }
}
