import Foundation
import Mustache
import TallyCore
import Testing

@testable import TallyHTTP
@testable import TallyStorage

/// The typed view models of the link page, the link form, the key pages and the frame, rendered with the real templates.
@Suite struct LinkAndKeyViewTests {
    static func render(_ view: some DashboardView, _ template: String) -> String {
        OverviewAndGroupsViewTests.render(view, template)
    }

    static func link(paused: Bool = false, rotator: Bool = false) -> Datapoint {
        var options = LinkOptions()
        if rotator {
            options.mode = .weighted
            options.destinations = [
                RotatorDestination(url: "https://a.example.com/", weight: 70), RotatorDestination(url: "https://b.example.com/", weight: 30),
            ]
        }
        return Datapoint(
            id: 42, accountID: 1, domainID: 1, type: .trackingLink, name: "spring", title: "Spring <sale>", status: paused ? .paused : .active,
            createdAt: 0, updatedAt: 0, destinationURL: "https://shop.example.com/?a=1&b=2", options: options)
    }

    @Test func theLinkPageShowsItsLinkTotalsAndBreakdowns() {
        var total = StatsCounts()
        total.clicks = 1_234
        let view = LinkView(
            datapoint: Self.link(rotator: true), url: "http://t.example/spring", chart: "<svg id=\"chart\"></svg>", qr: "<svg id=\"qr\"></svg>",
            total: total, period: "last 30 days",
            breakdowns: [
                BreakdownView(
                    title: "Countries", rows: [.init(value: "IT", count: 1_200, largest: 1_200), .init(value: "FR", count: 34, largest: 1_200)]),
                BreakdownView(title: "Browsers", rows: []),
            ],
            hits: [], latest: 987, byHour: false, days: 30)
        let html = Self.render(view, "link")
        #expect(html.contains("<h1>spring <span class=\"badge active\">active</span></h1>") && html.contains("<p>Spring &lt;sale&gt;</p>"))
        #expect(html.contains("Goes to <a href=\"https://shop.example.com/?a=1&amp;b=2\""))
        #expect(html.contains("Rotates to https://a.example.com/ (70)") && html.contains("Rotates to https://b.example.com/ (30)"))
        #expect(html.contains("<svg id=\"chart\"></svg>") && html.contains("<svg id=\"qr\"></svg>"), "SVG markup is rendered as markup")
        #expect(html.contains("<a href=\"?days=30\" aria-current=\"true\">") && !html.contains("<a href=\"?days=7\" aria-current"))
        #expect(!html.contains("?by=hour\" aria-current"))
        #expect(html.contains("<b id=\"total-hits\">1,234</b>"))
        #expect(html.contains("<h2>Countries</h2>") && html.contains("<span>IT</span><span>1,200</span>"))
        #expect(html.contains("<meter min=\"0\" max=\"1200\" value=\"34\" aria-label=\"FR: 34\">"))
        #expect(html.contains("<h2>Browsers</h2><p class=\"muted\">No data.</p>"))
        #expect(html.contains("data-live=\"/dashboard/links/42/live\" data-since=\"987\"") && html.contains("<p>No hits yet.</p>"))
        #expect(html.contains("action=\"/dashboard/links/42/pause\"><input type=\"hidden\" name=\"_csrf\" value=\"tok\">"))

        let paused = Self.render(
            LinkView(
                datapoint: Self.link(paused: true), url: "u", chart: "", qr: "", total: StatsCounts(), period: "last 48 hours", breakdowns: [],
                hits: [], latest: 0, byHour: true, days: 30), "link")
        #expect(paused.contains("action=\"/dashboard/links/42/resume\"") && !paused.contains("Rotates to"))
        #expect(
            paused.contains("?by=hour\" aria-current=\"true\"") && !paused.contains("?days=30\" aria-current"), "by hour, no day range is current")
    }

    @Test func theLinkFormEchoesWhatWasTypedAndMarksTheChoices() {
        let groups = [DashboardChoice(id: 5, name: "Spring", selected: false), DashboardChoice(id: 6, name: "Fall", selected: true)]
        let modes = DashboardController.editableModes.map {
            LinkFormView.Mode(value: $0.0.rawValue, label: $0.1, selected: String($0.0.rawValue) == "9")
        }
        let fields = LinkFormView.Fields(
            destination: "https://e.com/?q=\"x\"", name: "n1", title: "T", groupID: "6", tagList: "a, b", redirect: "307", mode: "9",
            rotation: "https://a.com 60\nhttps://b.com 40")
        let new = Self.render(
            LinkFormView(fields: fields, groups: groups, modes: modes, editing: nil, error: "the destination is not a URL"), "link-form")
        #expect(new.contains("<h1>New link or pixel</h1>") && new.contains("<form method=\"post\" action=\"/dashboard/links\">"))
        #expect(new.contains("role=\"alert\">the destination is not a URL"))
        #expect(new.contains("value=\"link\" checked>") && new.contains("name=\"name\" type=\"text\" maxlength=\"64\" value=\"n1\""))
        #expect(new.contains("value=\"https://e.com/?q=&quot;x&quot;\""))
        #expect(new.contains("<option value=\"6\" selected>Fall</option>") && new.contains("<option value=\"5\">Spring</option>"))
        #expect(new.contains("<option value=\"307\" selected>") && !new.contains("<option value=\"302\" selected>"))
        #expect(new.contains("<option value=\"9\" selected>Rotator: weighted</option>"))
        #expect(new.contains("<textarea id=\"rotation\" name=\"rotation\">https://a.com 60\nhttps://b.com 40</textarea>"))
        #expect(!new.contains("Tracking URL:"))

        let edit = Self.render(
            LinkFormView(fields: .init(), groups: [], modes: [], editing: (42, "http://t.example/spring"), error: nil), "link-form")
        #expect(edit.contains("<h1>Edit link</h1>") && edit.contains("action=\"/dashboard/links/42\""))
        #expect(
            edit.contains("Tracking URL: <code>http://t.example/spring</code>") && !edit.contains("name=\"type\""), "no type or name when editing")
        #expect(edit.contains("<option value=\"302\" selected>"), "a new form's default redirect")
    }

    @Test func theKeyListEchoesTheRefusedFormAndListsScopesAndAlerts() {
        var view = KeysView(
            keys: [], groups: [DashboardChoice(id: 3, name: "EU", selected: false)],
            alerts: [
                KeysView.Alert(id: 8, kind: "new_ip", message: "used from 198.51.100.7", ip: "198.51.100.7", time: "2026-12-06 10:00", open: true),
                KeysView.Alert(id: 9, kind: "spike", message: "10x the usual rate", ip: "", time: "2026-12-05 09:00", open: false),
            ],
            echo: .init(name: "CRM <sync>", days: "30", networks: "10.0.0.0/8"), error: "choose a preset or at least one scope")
        view.notice = nil
        let html = Self.render(view, "keys")
        #expect(
            html.contains("maxlength=\"100\" value=\"CRM &lt;sync&gt;\"") && html.contains("role=\"alert\">choose a preset or at least one scope"))
        #expect(html.contains("value=\"datapoints:read\" aria-label=\"datapoints read\"") && html.contains("value=\"keys:write\""))
        #expect(html.contains("action=\"/dashboard/alerts/8/acknowledge\"") && !html.contains("/dashboard/alerts/9/acknowledge"))
        #expect(html.contains("acknowledged</td>") && !html.contains("<p>No alerts.</p>"))
    }

    /// The shown-once page travels through the session as JSON: what comes back is what went in.
    @Test func theShownOnceKeyRoundTripsThroughTheFlash() throws {
        let view = KeyCreatedView(
            heading: "Key created", note: "", fullKey: "ct_live_abc", name: "CRM", publicID: "abc", scopes: "datapoints:read",
            curlList: "curl …", curlCount: "curl … count", exportLine: "export CLICKTALLY_KEY='<paste the key here>'")
        let back = try JSONDecoder().decode(KeyCreatedView.self, from: JSONEncoder().encode(view))
        #expect(Self.render(back, "key-created") == Self.render(view, "key-created"))
        #expect(Self.render(back, "key-created").contains("ct_live_abc"))
    }

    /// The live stream's events carry every member as text, with sorted keys, as the page's script reads them.
    @Test func aHitRowAsTheLiveStreamSendsIt() throws {
        let hit = StoredHit(
            id: 1, datapointID: 42, time: 0, kind: .click, ip: "", userAgent: "", referrer: "", acceptLanguage: "", query: "", isUnique: true,
            isSpider: false, spiderReason: "", country: "", region: "", city: "", browser: "Firefox", browserVersion: "", os: "Linux",
            osVersion: "", deviceType: "desktop", referrerDomain: "", source: "", language: "", clickID: 0)
        #expect(
            HitRowView(hit).eventFields == [
                "time": DashboardFormat.time(0), "country": "–", "browser": "Firefox", "os": "Linux", "device": "desktop", "referrer": "direct",
                "unique": "true", "bot": "false", "kind": "click",
            ])
    }

    @Test func theFrameMarksTheCurrentSectionOnlyWhenSignedIn() {
        let library = DashboardHTML().library
        let session = DashboardSession(
            userID: 1, accountID: 1, email: "me@example.com", csrfToken: "tok", secondFactorDone: true, role: .owner, confirmedAt: 0)
        let signedIn = library.render(LayoutView(title: "Keys", body: "<p>x</p>", session: session, section: "keys"), withTemplate: "layout") ?? ""
        #expect(signedIn.contains("<title>Keys · ClickTally</title>") && signedIn.contains("<p>x</p>"))
        #expect(signedIn.contains("<a href=\"/dashboard/keys\" aria-current=\"page\">API keys</a>"))
        #expect(signedIn.contains("<a href=\"/dashboard/links\">Links</a>"))
        let out = library.render(LayoutView(title: "Sign in", body: "", session: nil, section: ""), withTemplate: "layout") ?? ""
        #expect(!out.contains("aria-label=\"Main\""))
    }
}
