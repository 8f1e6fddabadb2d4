import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import TallyCore
import TallyStorage

/// How every dashboard page leaves: HTML from the templates inside the layout, with headers that keep it private
/// (no caching of pages that may show a key), unframeable, and under a strict Content-Security-Policy: nothing
/// but this server's own script and style, no inline script or style at all.
struct DashboardHTML: Sendable {
    let library: MustacheLibrary

    init() {
        MustacheContentTypes.register(ByteEscapedHTML(), named: ByteEscapedHTML.name)
        var library = MustacheLibrary()
        for (name, text) in DashboardTemplates.all {
            // The templates are compiled into the binary; a broken one is a programming error caught by every test.
            let escaped = "{{% CONTENT_TYPE: \(ByteEscapedHTML.name)}}" + text
            do { try library.register(escaped, named: name) } catch { preconditionFailure("dashboard template \(name): \(error)") }
        }
        self.library = library
    }

    /// How every value a template prints is escaped: `HTMLText.escaped`, byte by byte. swift-mustache's own HTML
    /// escaping compares characters, so a quote followed by a combining mark (one `Character`) went out raw and a
    /// link's title closed the attribute it was printed in (`LinksViewTests.aQuoteWithACombiningMarkCannotLeaveItsAttribute`).
    struct ByteEscapedHTML: MustacheContentType {
        static let name = "CLICKTALLY_HTML"

        func escapeText(_ text: String) -> String { HTMLText.escaped(text) }
    }

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'"

    static func headers(contentType: String) -> HTTPFields {
        [
            .contentType: contentType, .contentSecurityPolicy: contentSecurityPolicy, .xContentTypeOptions: "nosniff",
            .xFrameOptions: "DENY", .referrerPolicy: "same-origin", .cacheControl: "no-store",
        ]
    }

    /// A page: `template` rendered with its typed view model, inside the layout (navigation shown when someone is
    /// signed in; `session` is nil before signing in and on refusals that must not depend on one).
    func page(
        _ template: String, title: String, _ view: some DashboardView, session: DashboardSession?, section: String = "",
        status: HTTPResponse.Status = .ok
    ) -> Response {
        render(template, view, title: title, session: session, section: section, status: status)
    }

    /// The template over `content` with the session's values in front, inside the layout.
    private func render(
        _ template: String, _ content: any MustacheParent, title: String, session: DashboardSession?, section: String,
        status: HTTPResponse.Status
    ) -> Response {
        let scoped = SessionScopedView(content: content, csrf: session?.csrfToken, email: session?.email)
        let body = library.render(scoped, withTemplate: template) ?? ""
        let layout = LayoutView(title: title, body: body, session: session, section: section)
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Response(
            status: status, headers: Self.headers(contentType: "text/html; charset=utf-8"), body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static let sections: [(String, String, String)] = [
        ("overview", "/dashboard", "Overview"), ("links", "/dashboard/links", "Links"), ("groups", "/dashboard/groups", "Campaigns"),
        ("conversions", "/dashboard/conversions", "Conversions"), ("keys", "/dashboard/keys", "API keys"),
        ("security", "/dashboard/security", "Security"), ("settings", "/dashboard/settings", "Settings"),
    ]

    /// After a successful POST: the browser loads the next page with GET (so a reload never resends the form).
    static func seeOther(_ location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }
}

/// The frame of every page (`layout`): title, navigation (the current section marked), the signed-in person and the
/// page's rendered body.
struct LayoutView: DashboardView {
    struct Section: DashboardView {
        let path: String
        let label: String
        let current: Bool

        func child(named key: String) -> Any? {
            switch key {
            case "path": path
            case "label": label
            case "current": current
            default: nil
            }
        }
    }

    let title: String
    /// The page's HTML, rendered unescaped.
    let body: String
    let session: DashboardSession?
    let section: String

    func child(named key: String) -> Any? {
        switch key {
        case "title": title
        case "body": body
        case "signedIn": session?.secondFactorDone == true
        case "csrf": session?.csrfToken
        case "email": session?.email
        case "nav": DashboardHTML.sections.map { name, path, label in Section(path: path, label: label, current: name == section) }
        default: nil
        }
    }
}

extension HTTPField.Name {
    static let contentSecurityPolicy = Self("Content-Security-Policy")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
