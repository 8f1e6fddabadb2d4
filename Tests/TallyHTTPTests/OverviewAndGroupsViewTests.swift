import Mustache
import Testing

@testable import TallyHTTP

/// The overview's and the campaigns page's view models render their figures, escaped names, the session's CSRF token in
/// every form, and what each page says when there is nothing to show.
@Suite struct OverviewAndGroupsViewTests {
    static func render(_ view: some DashboardView, _ template: String, csrf: String? = "tok") -> String {
        DashboardHTML().library.render(SessionScopedView(content: view, csrf: csrf, email: nil), withTemplate: template) ?? ""
    }

    static let periods = [
        OverviewView.Period(label: "Today", clicks: "12", views: "3", unique: "9", bots: "1"),
        OverviewView.Period(label: "7 days", clicks: "1,204", views: "30", unique: "700", bots: "14"),
    ]

    @Test func theOverviewShowsPeriodsChartAndBusiestLinks() {
        let top = OverviewView.TopLink(id: 42, name: "spring", title: "<b>Spring</b> sale", hits: "1,000", unique: "800")
        let html = Self.render(OverviewView(periods: Self.periods, chart: "<svg id=\"c\"></svg>", noLinks: false, top: [top]), "overview")
        #expect(html.contains("<span>Today</span><b>12</b><small>clicks · 3 views · 9 unique · 1 bots</small>"))
        #expect(html.contains("<span>7 days</span><b>1,204</b>"))
        #expect(html.contains("<svg id=\"c\"></svg>"), "the chart is inserted as rendered")
        #expect(
            html.contains("<a href=\"/dashboard/links/42\">spring</a> <small>&lt;b&gt;Spring&lt;/b&gt; sale</small></td><td>1,000</td><td>800</td>"))
        #expect(!html.contains("No hits in the last 30 days") && !html.contains("No links yet"))
    }

    @Test func anEmptyAccountIsInvitedAndAQuietOneSaysSo() {
        let empty = Self.render(OverviewView(periods: Self.periods, chart: "", noLinks: true, top: []), "overview")
        #expect(empty.contains("No links yet.") && !empty.contains("No hits in the last 30 days"))
        let quiet = Self.render(OverviewView(periods: Self.periods, chart: "", noLinks: false, top: []), "overview")
        #expect(quiet.contains("No hits in the last 30 days.") && !quiet.contains("<table>"))
    }

    @Test func campaignsRenderWithTheirFiguresFormsAndTags() {
        let view = GroupsView(
            groups: [GroupsView.Group(id: 7, name: "Fall & \"Winter\"", links: 12, hits: "3,400")],
            tags: [DashboardChoice(id: 3, name: "mail", selected: false)], error: nil)
        let html = Self.render(view, "groups")
        #expect(html.contains("<a href=\"/dashboard/links?group=7\">Fall &amp; &quot;Winter&quot;</a></td><td>12</td><td>3,400</td>"))
        #expect(html.contains("action=\"/dashboard/groups/7/rename\"><input type=\"hidden\" name=\"_csrf\" value=\"tok\">"))
        #expect(html.contains("value=\"Fall &amp; &quot;Winter&quot;\""))
        #expect(html.contains("<a class=\"badge\" href=\"/dashboard/links?tag=3\">mail</a>") && html.contains("action=\"/dashboard/tags/3/delete\""))
        #expect(!html.contains("No campaigns yet") && !html.contains("No tags yet") && !html.contains("role=\"alert\""))
    }

    @Test func noCampaignsNoTagsAndARefusedFormSaySo() {
        let html = Self.render(GroupsView(groups: [], tags: [], error: DashboardController.groupNameRule), "groups")
        #expect(html.contains("No campaigns yet.") && html.contains("No tags yet: add them on a link."))
        #expect(html.contains("role=\"alert\">A campaign needs a name of 1 to 200 characters."))
        #expect(html.contains("action=\"/dashboard/groups\"><input type=\"hidden\" name=\"_csrf\" value=\"tok\">"))
    }
}

/// The settings page's view model: every list with its remove forms, the webhook's three states, notices and errors.
@Suite struct SettingsViewTests {
    static func view(
        blacklist: [SettingsView.Entry] = [], webhook: Bool = false, own: String = "", notice: String? = nil, error: String? = nil
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
