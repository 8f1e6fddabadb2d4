import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TallyCore
import TallyStorage

/// The web dashboard: server-rendered pages over the same services the API and the CLI use. Every page but
/// setup and sign-in needs a session; every form carries the session's CSRF token; plain HTTP is refused off
/// loopback, as for API keys (a password is a secret too).
struct DashboardController: Sendable {
    let services: TallyServices
    let html = DashboardHTML()

    static let sessionCookie = "ct_session"
    /// Before there is a session (setup, sign-in) a random cookie doubles as the CSRF token of those forms.
    static let preSessionCookie = "ct_presession"

    func addRoutes(to router: Router<TallyRequestContext>) {
        let dashboard = router.group("dashboard")
        dashboard.get("assets/app.css") { _, _ in DashboardAssets.response(DashboardAssets.css, type: "text/css; charset=utf-8") }
        dashboard.get("assets/app.js") { _, _ in DashboardAssets.response(DashboardAssets.js, type: "text/javascript; charset=utf-8") }
        addSignInRoutes(to: dashboard)
        addTwoFactorRoutes(to: dashboard)
        addOverviewRoutes(to: dashboard)
        addKeyRoutes(to: dashboard)
        addLinkRoutes(to: dashboard)
        addConversionRoutes(to: dashboard)
        addSettingsRoutes(to: dashboard)
        addWebhookRoutes(to: dashboard)
    }

    /// One request to a page behind sign-in.
    struct Visit: Sendable {
        let request: Request
        let context: TallyRequestContext
        let session: DashboardSession
        let token: String
        let form: DashboardForm
        let query: DashboardForm
        let clientIP: String
    }

    typealias Handler = @Sendable (Visit) async throws -> Response

    /// When an action needs a fresh confirmation of the password or a code (GitHub's "sudo mode").
    enum Sudo: Sendable {
        case never
        case always(String)
        /// Decided from the form, e.g. only for an admin key; the text names the action.
        case when(String, @Sendable (Visit) async throws -> Bool)
    }

    static let sudoWindowMilliseconds: Int64 = 10 * 60_000

    /// Wraps a page: secure transport, a finished session (else to sign-in, or to the code page), for POST a form
    /// whose CSRF token matches the session's, the role's permission (one place for every page), and for sensitive
    /// actions a confirmation within the last 10 minutes.
    func signedIn(
        _ permission: DashboardRole.Permission = .view, sudo: Sudo = .never, _ handler: @escaping Handler
    ) -> @Sendable (Request, TallyRequestContext) async throws -> Response {
        { request, context in
            if let refusal = insecureRefusal(request, context) { return refusal }
            let now = services.clock.now()
            guard let token = request.cookies[Self.sessionCookie]?.value, let session = try await services.sessions.find(token: token, now: now)
            else {
                let next = request.method == .get ? "?next=" + DashboardForm.encode(request.uri.path) : ""
                return DashboardHTML.seeOther("/dashboard/login" + next)
            }
            guard session.secondFactorDone else { return DashboardHTML.seeOther("/dashboard/login/code") }
            var form = DashboardForm("")
            if request.method == .post {
                form = try await DashboardForm.read(request)
                guard ConstantTime.equal(form["_csrf"] ?? "", session.csrfToken) else { return csrfRefusal() }
            }
            let visit = Visit(
                request: request, context: context, session: session, token: token, form: form,
                query: DashboardForm(Substring(request.uri.query ?? "")),
                clientIP: clientIP(request, context))
            guard session.role.allows(permission) else {
                return html.page(
                    "message", title: "Not allowed",
                    MessageView(
                        heading: "Not allowed", text: "Your role (\(session.role.label)) cannot do this. Ask an owner or admin of the account."),
                    session: session, status: .forbidden)
            }
            if let refusal = try await sudoRefusal(sudo, visit, now: now) { return refusal }
            do {
                return try await handler(visit)
            } catch let error as HTTPError where error.status == .notFound {
                // A page for people, not the API's JSON: someone else's link, a deleted one, a mistyped address.
                return html.page(
                    "message", title: "Not found", MessageView(heading: "Not found", text: "There is nothing here, or it is not yours to see."),
                    session: session, status: .notFound)
            }
        }
    }

    func csrfRefusal() -> Response {
        html.page(
            "message", title: "Form expired",
            MessageView(
                heading: "This form has expired", text: "The page was open too long or came from elsewhere. Go back, reload it and try again."),
            session: nil, status: .forbidden)
    }

    func clientIP(_ request: Request, _ context: TallyRequestContext) -> String {
        let peer = context.remoteAddress.flatMap { IPAddress($0) }
        return services.addresses.resolve(peer: peer, forwarded: request.headers[.forwarded], forwardedFor: request.headers[.xForwardedFor])?
            .description ?? ""
    }

    /// Whether the browser reached us over HTTPS (then the session cookie is `Secure`).
    func isHTTPS(_ request: Request, _ context: TallyRequestContext) -> Bool {
        TransportSecurity.isHTTPS(
            request.headers, peer: context.remoteAddress.flatMap { IPAddress($0) }, tls: services.tls, addresses: services.addresses)
    }

    /// Passwords, session cookies and keys never cross a network in clear: the same rule as for API keys.
    func insecureRefusal(_ request: Request, _ context: TallyRequestContext) -> Response? {
        let peer = context.remoteAddress.flatMap { IPAddress($0) }
        if TransportSecurity.isAcceptable(request.headers, peer: peer, tls: services.tls, addresses: services.addresses) {
            return nil
        }
        return html.page(
            "message", title: "HTTPS required",
            MessageView(heading: "HTTPS required", text: "The dashboard only opens over HTTPS (or from this machine). Use the https:// address."),
            session: nil, status: .forbidden)
    }

    /// `Set-Cookie` for the session: HttpOnly (no script reads it), SameSite=Lax, Secure under HTTPS, and only for
    /// `/dashboard`: tracking links and their intermediate pages (tenant content) never receive it.
    func sessionCookie(_ token: String, secure: Bool) -> String {
        "\(Self.sessionCookie)=\(token); Path=/dashboard; HttpOnly; SameSite=Lax; Max-Age=\(DashboardSessionStore.lifetimeMilliseconds / 1000)"
            + (secure ? "; Secure" : "")
    }

    static func expiredCookie(_ name: String) -> String { "\(name)=; Path=/dashboard; HttpOnly; SameSite=Lax; Max-Age=0" }
}
