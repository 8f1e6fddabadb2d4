import Mustache
import Testing

@testable import TallyHTTP

/// The conversions page's view model renders each goal's figures and codes, the form's CSRF token from the session,
/// and the refusal of the last form.
@Suite struct ConversionsViewTests {
    static func render(_ view: ConversionsView, csrf: String? = "tok") -> String {
        DashboardHTML().library.render(SessionScopedView(content: view, csrf: csrf, email: nil), withTemplate: "conversions") ?? ""
    }

    @Test func goalsTheirFiguresAndTheFormRender() {
        let row = ConversionsView.Row(
            id: 5, name: "Sale", attribution: "first click", pixel: "https://t.example/cv/5.gif", snippet: "<script src=\"x\"></script>",
            count: "12", unique: "9", value: "340.00", commission: "34.00")
        let html = Self.render(ConversionsView(conversions: [row], error: nil))
        #expect(html.contains("<h2>Sale</h2>"))
        #expect(html.contains("<b>12</b> conversions (9 unique), value 340.00, commission 34.00 · credited to the first click"))
        #expect(html.contains("https://t.example/cv/5.gif") && html.contains("&lt;script") && !html.contains("<script src"))
        #expect(html.contains(#"data-copy="snippet-5""#) && html.contains(#"value="tok""#))
        #expect(!html.contains("role=\"alert\""))
    }

    @Test func noGoalsAndARefusedFormSaySo() {
        let html = Self.render(ConversionsView(conversions: [], error: "the default value must be a number, 0 or more"))
        #expect(html.contains("role=\"alert\">the default value must be a number, 0 or more"))
        #expect(!html.contains("<h2>"))
    }
}
