import Foundation
import Mustache
import Testing

@testable import TallyHTTP

/// The links page's typed view model renders what the template names: rows, the chosen filters, the pager and the
/// notice, and leaves out what it does not have (no "Next" without a next page, no selected option without a filter).
@Suite struct LinksViewTests {
    static func render(_ view: LinksView) -> String {
        DashboardHTML().library.render(SessionScopedView(content: view, csrf: nil, email: nil), withTemplate: "links") ?? ""
    }

    static let row = LinksView.Row(
        id: 42, name: "spring", title: "Spring <sale>", url: "http://t.example/spring", destination: "https://shop.example/",
        status: "paused", type: "link", group: "Launch", tags: "mail, web", hits: "1,234")

    @Test func rowsFiltersPagerAndNoticeRender() {
        let html = Self.render(
            LinksView(
                links: [Self.row], total: "1,000+", q: "spr",
                groups: [.init(id: 7, name: "Launch", selected: true), .init(id: 8, name: "Other", selected: false)],
                tags: [.init(id: 3, name: "mail", selected: false)], status: "paused", type: "tl", page: 2, previous: "/dashboard/links?q=spr&page=1",
                next: "/dashboard/links?q=spr&page=3", notice: "Deleted old."))
        #expect(html.contains(#"<a href="/dashboard/links/42">spring</a>"#))
        #expect(html.contains("Spring &lt;sale&gt;"), "escaped")
        #expect(html.contains("<td>Launch</td><td>mail, web</td><td>1,234</td>"))
        #expect(html.contains(#"<option value="7" selected>Launch</option><option value="8">Other</option>"#))
        #expect(html.contains(#"<option value="paused" selected>paused</option>"#) && !html.contains(#"value="active" selected"#))
        #expect(html.contains(#"<option value="tl" selected>links</option>"#))
        #expect(html.contains(#"value="spr""#) && html.contains("1,000+ found · page 2"))
        #expect(html.contains(#"rel="prev""#) && html.contains(#"href="/dashboard/links?q=spr&amp;page=3" rel="next""#))
        #expect(html.contains("Deleted old.") && !html.contains("No links match."))
    }

    @Test func anEmptyFirstPageHasNoPagerAndNoChoiceSelected() {
        let html = Self.render(
            LinksView(
                links: [], total: "0", q: "", groups: [.init(id: 7, name: "Launch", selected: false)], tags: [], status: "any", type: "any",
                page: 1, previous: nil, next: nil, notice: nil))
        #expect(html.contains("No links match.") && html.contains("0 found · page 1"))
        #expect(!html.contains("rel=\"prev\"") && !html.contains("rel=\"next\"") && !html.contains(" selected"))
        #expect(!html.contains("class=\"notice\""))
    }
}
