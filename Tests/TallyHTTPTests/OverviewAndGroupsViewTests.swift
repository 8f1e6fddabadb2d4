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
