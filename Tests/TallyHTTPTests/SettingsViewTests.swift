import Mustache
import Testing

@testable import TallyHTTP

/// The settings page's view model: every list with its remove forms, the webhook's three states, notices and errors.
@Suite struct SettingsViewTests {
    static func view(
        blacklist: [SettingsView.Entry] = [], webhook: Bool = false, own: String? = nil, notice: String? = nil, error: String? = nil
    ) -> SettingsView {
        SettingsView(
            timeZone: "Europe/Rome", blacklist: blacklist, whitelist: [SettingsView.Entry(id: 4, value: "shop.example.com")],
            users: [
                SettingsView.User(email: "me@example.com", role: "Owner", me: true),
                SettingsView.User(email: "x@example.com", role: "Member", me: false),
            ],
            guests: [SettingsView.Guest(name: "Ann <b>", email: "ann@example.com")], serverWebhook: webhook, ownWebhook: own, notice: notice,
            error: error)
    }

    @Test func listsUsersAndGuestsRenderWithTheirForms() {
        let html = OverviewAndGroupsViewTests.render(Self.view(blacklist: [SettingsView.Entry(id: 9, value: "203.0.113.0/24")]), "settings")
        #expect(html.contains("name=\"timezone\" type=\"text\" value=\"Europe/Rome\""))
        #expect(html.contains("<li>203.0.113.0/24 <form class=\"inline\" method=\"post\" action=\"/dashboard/settings/blacklist/9/remove\">"))
        #expect(html.contains("action=\"/dashboard/settings/whitelist/4/remove\"><input type=\"hidden\" name=\"_csrf\" value=\"tok\">"))
        #expect(html.contains("<li>me@example.com <span class=\"badge\">Owner</span> (you)</li>"))
        #expect(html.contains("<li>x@example.com <span class=\"badge\">Member</span></li>"))
        #expect(html.contains("<li>Ann &lt;b&gt; &lt;ann@example.com&gt;</li>") && !html.contains("No guests."))
        #expect(!html.contains("<p class=\"muted\">Empty.</p>"), "neither list is empty")
        #expect(html.contains("<p class=\"muted\">Not set.</p>") && !html.contains("role=\"alert\"") && !html.contains("role=\"status\""))
    }

    @Test func theWebhookStatesAndMessagesShow() {
        let server = OverviewAndGroupsViewTests.render(Self.view(webhook: true, notice: "Saved (webhook)."), "settings")
        #expect(!server.contains("<p class=\"muted\">Not set.</p>") && server.contains("alerts go to the server's <code>--alert-webhook-url</code>"))
        #expect(!server.contains("Now: <code>") && !server.contains("name=\"remove\""), "no webhook of the account's own is shown as set")
        #expect(server.contains("role=\"status\">Saved (webhook).") && server.contains("<p class=\"muted\">Empty.</p>"))
        let own = OverviewAndGroupsViewTests.render(
            Self.view(own: "https://hooks.example.com/a?b=1&c=2", error: "the signing secret must be 16 to 200 characters"), "settings")
        #expect(own.contains("Now: <code>https://hooks.example.com/a?b=1&amp;c=2</code> (a signing secret is set)"))
        #expect(own.contains("value=\"https://hooks.example.com/a?b=1&amp;c=2\"") && own.contains("name=\"remove\" value=\"yes\""))
        #expect(own.contains("role=\"alert\">the signing secret must be 16 to 200 characters"))
    }
}
