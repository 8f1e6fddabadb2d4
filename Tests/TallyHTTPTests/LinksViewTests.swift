import Foundation
import Mustache
import TallyCore
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

    /// A quote followed by a combining mark is one Swift `Character`, so an escaper that compares characters lets the
    /// quote through and a link's title or a campaign's name closes the attribute it is in. Every value the templates
    /// print is escaped byte by byte (`HTMLText.escaped`, the templates' content type), in element text and attributes.
    @Test func aQuoteWithACombiningMarkCannotLeaveItsAttribute() {
        let attack = "x\"\u{301} autofocus data-x=\"<b>\u{301}"
        var row = Self.row
        row = LinksView.Row(
            id: row.id, name: attack, title: attack, url: row.url, destination: attack, status: row.status, type: row.type, group: attack,
            tags: attack, hits: row.hits)
        let html = Self.render(
            LinksView(
                links: [row], total: "1", q: attack, groups: [.init(id: 7, name: attack, selected: true)],
                tags: [.init(id: 3, name: attack, selected: false)],
                status: "any", type: "any", page: 1, previous: nil, next: nil, notice: attack))
        // Outside `#expect`: the macro re-quotes its expression's source, where a mark after a quote would not lex.
        // And bytes, not characters, are searched: `contains` would not see "<b>" in "<b>" + mark either.
        let bytes = Array(html.utf8)
        let leftRaw = bytes.firstRange(of: Array(("\"" + "\u{301}").utf8)) != nil
        #expect(!leftRaw, "no raw quote before the mark")
        let tag = bytes.firstRange(of: Array("<b>".utf8)) != nil
        #expect(!tag)
        let escaped = "x&quot;\u{301} autofocus data-x=&quot;&lt;b&gt;\u{301}"
        let found = html.contains(escaped)
        #expect(found)
        let direct = HTMLText.escaped(attack) == escaped
        #expect(direct)
        #expect(HTMLText.escaped("plain") == "plain" && HTMLText.escaped("é & 'ü'") == "é &amp; &#39;ü&#39;")
    }
}
