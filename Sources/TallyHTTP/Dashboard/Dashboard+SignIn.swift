import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TallyCore
import TallyStorage

extension DashboardController {
    func addSignInRoutes(to dashboard: RouterGroup<TallyRequestContext>) {
        dashboard.get("setup") { request, context in
            if let refusal = insecureRefusal(request, context) { return refusal }
            let token = DashboardForm(Substring(request.uri.query ?? ""))["token"] ?? ""
            guard try await services.setup.matches(token) else { return setupClosed() }
            return withPreSession(request) { csrf in
                html.page("setup", title: "Set up ClickTally", SetupView(token: token, formToken: csrf), session: nil)
            }
        }
        dashboard.post("setup") { request, context in
            if let refusal = insecureRefusal(request, context) { return refusal }
            let form = try await DashboardForm.read(request)
            guard preSessionMatches(request, form) else { return csrfRefusal() }
            let token = form["token"] ?? ""
            guard let spent = try await services.setup.take(token) else { return setupClosed() }
            let email = form.trimmed("email")
            let password = form["password"] ?? ""
            guard password == form["password2"] else {
                try await services.setup.restore(spent)
                return html.page(
                    "setup", title: "Set up ClickTally",
                    SetupView(token: token, formToken: form["_csrf"] ?? "", email: email, error: "The two passwords differ."), session: nil,
                    status: .badRequest)
            }
            do {
                let user = try await services.accounts.createUser(
                    email: email, password: password, accountID: services.defaults.accountID, role: .owner, now: services.clock.now())
                let session = try await services.sessions.create(
                    userID: user.id, secondFactorDone: true, clientIP: clientIP(request, context), now: services.clock.now())
                services.logger.notice("owner account created in the dashboard", metadata: ["user": "\(user.id)"])
                return DashboardHTML.seeOther(
                    "/dashboard", cookies: [sessionCookie(session, secure: isHTTPS(request, context)), Self.expiredCookie(Self.preSessionCookie)])
            } catch let error as ValidationError {
                try await services.setup.restore(spent)
                return html.page(
                    "setup", title: "Set up ClickTally", SetupView(token: token, formToken: form["_csrf"] ?? "", email: email, error: error.message),
                    session: nil, status: .badRequest)
            }
        }
        dashboard.get("login") { request, context in
            if let refusal = insecureRefusal(request, context) { return refusal }
            let next = Self.safeNext(DashboardForm(Substring(request.uri.query ?? ""))["next"])
            return withPreSession(request) { csrf in html.page("login", title: "Sign in", LoginView(formToken: csrf, next: next), session: nil) }
        }
        dashboard.post("login") { request, context in
            if let refusal = insecureRefusal(request, context) { return refusal }
            let form = try await DashboardForm.read(request)
            guard preSessionMatches(request, form) else { return csrfRefusal() }
            return try await signIn(request, context, form)
        }
        dashboard.get("login/code") { request, context in
            if let refusal = insecureRefusal(request, context) { return refusal }
            guard let (_, session) = try await halfSession(request), !session.secondFactorDone else {
                return DashboardHTML.seeOther("/dashboard/login")
            }
            return html.page("code", title: "Two-factor code", CodeView(csrf: session.csrfToken), session: nil)
        }
        dashboard.post("login/code") { request, context in
            if let refusal = insecureRefusal(request, context) { return refusal }
            guard let (token, session) = try await halfSession(request), !session.secondFactorDone else {
                return DashboardHTML.seeOther("/dashboard/login")
            }
            let form = try await DashboardForm.read(request)
            guard ConstantTime.equal(form["_csrf"] ?? "", session.csrfToken) else { return csrfRefusal() }
            let now = services.clock.now()
            let ip = clientIP(request, context)
            // Counted on their own: a right password does not reset wrong codes.
            let subjects: [LoginThrottle.Subject] = [.secondFactor(userID: session.userID), .address(IPAddress(ip))]
            guard try await services.throttle.take(subjects, now: now) else { return tooManyAttempts("code") }
            guard try await services.twoFactor.verify(userID: session.userID, code: form["code"] ?? "", now: now) else {
                return html.page(
                    "code", title: "Two-factor code", CodeView(csrf: session.csrfToken, error: "That code is not right. Try the current one."),
                    session: nil, status: .unauthorized)
            }
            try await services.throttle.clear(subjects[0])
            try await services.throttle.giveBack(subjects[1])
            guard let full = try await services.sessions.completeSecondFactor(token: token, clientIP: ip, now: now) else {
                return DashboardHTML.seeOther("/dashboard/login")
            }
            return DashboardHTML.seeOther("/dashboard", cookies: [sessionCookie(full, secure: isHTTPS(request, context))])
        }
        dashboard.post("logout") { request, context in
            if let refusal = insecureRefusal(request, context) { return refusal }
            let form = try await DashboardForm.read(request)
            if let token = request.cookies[Self.sessionCookie]?.value,
                let session = try await services.sessions.find(token: token, now: services.clock.now())
            {
                guard ConstantTime.equal(form["_csrf"] ?? "", session.csrfToken) else { return csrfRefusal() }
                try await services.sessions.delete(token: token)
            }
            return DashboardHTML.seeOther("/dashboard/login", cookies: [Self.expiredCookie(Self.sessionCookie)])
        }
        dashboard.post("password", use: signedIn { visit in try await changePassword(visit) })
    }

    func signIn(_ request: Request, _ context: TallyRequestContext, _ form: DashboardForm) async throws -> Response {
        let email = form.trimmed("email")
        let ip = clientIP(request, context)
        let now = services.clock.now()
        let next = Self.safeNext(form["next"])
        // The attempt is taken before the password is checked (one conditional UPDATE): parallel guesses cannot pass the limit.
        let subjects: [LoginThrottle.Subject] = [.account(email: email), .address(IPAddress(ip))]
        guard try await services.throttle.take(subjects, now: now) else { return tooManyAttempts("login", email: email) }
        guard let user = try await services.accounts.authenticate(email: email, password: form["password"] ?? "") else {
            // One message for an unknown e-mail and a wrong password: the page must not tell which accounts exist.
            return html.page(
                "login", title: "Sign in", LoginView(formToken: form["_csrf"] ?? "", email: email, next: next, error: "Wrong e-mail or password."),
                session: nil, status: .unauthorized)
        }
        try await services.throttle.clear(subjects[0])
        try await services.throttle.giveBack(subjects[1])
        let hasTwoFactor = try await services.twoFactor.isEnabled(userID: user.id)
        let token = try await services.sessions.create(userID: user.id, secondFactorDone: !hasTwoFactor, clientIP: ip, now: now)
        let cookies = [sessionCookie(token, secure: isHTTPS(request, context)), Self.expiredCookie(Self.preSessionCookie)]
        return DashboardHTML.seeOther(hasTwoFactor ? "/dashboard/login/code" : next, cookies: cookies)
    }

    func changePassword(_ visit: Visit) async throws -> Response {
        let form = visit.form
        guard try await services.accounts.authenticate(email: visit.session.email, password: form["current"] ?? "") != nil else {
            return try await securityPage(visit, passwordError: "The current password is not right.", status: .badRequest)
        }
        guard form["new"] == form["new2"] else {
            return try await securityPage(visit, passwordError: "The two new passwords differ.", status: .badRequest)
        }
        do {
            try await services.accounts.changePassword(userID: visit.session.userID, to: form["new"] ?? "")
        } catch let error as ValidationError {
            return try await securityPage(visit, passwordError: error.message, status: .badRequest)
        }
        // Every other session of this person ends: whoever knew the old password is out.
        try await services.sessions.deleteAll(userID: visit.session.userID, keeping: visit.token)
        return DashboardHTML.seeOther("/dashboard/security?changed=password")
    }

    /// The session between password and code (a full one passes too, the caller decides).
    func halfSession(_ request: Request) async throws -> (String, DashboardSession)? {
        guard let token = request.cookies[Self.sessionCookie]?.value,
            let session = try await services.sessions.find(token: token, now: services.clock.now())
        else { return nil }
        return (token, session)
    }

    func setupClosed() -> Response {
        html.page(
            "message", title: "Setup",
            MessageView(
                heading: "Setup is closed",
                text: "The owner account exists already, or this setup link is not the one the server printed. Sign in instead."),
            session: nil, status: .notFound)
    }

    func tooManyAttempts(_ template: String, email: String = "") -> Response {
        let error = "Too many failed attempts. Wait 15 minutes and try again."
        var response =
            template == "code"
            ? html.page("code", title: "Two-factor code", CodeView(error: error), session: nil, status: .tooManyRequests)
            : html.page("login", title: "Sign in", LoginView(email: email, error: error), session: nil, status: .tooManyRequests)
        response.headers[.retryAfter] = "900"
        return response
    }

    /// The pre-session cookie: set when the form is shown, compared with the form's hidden field when it comes back.
    func withPreSession(_ request: Request, _ render: (String) -> Response) -> Response {
        let existing = request.cookies[Self.preSessionCookie]?.value ?? ""
        let csrf = existing.utf8.count == 43 ? existing : SignInSecrets.token()
        var response = render(csrf)
        if csrf != existing {
            response.headers.append(
                HTTPField(name: .setCookie, value: "\(Self.preSessionCookie)=\(csrf); Path=/dashboard; HttpOnly; SameSite=Strict"))
        }
        return response
    }

    func preSessionMatches(_ request: Request, _ form: DashboardForm) -> Bool {
        guard let cookie = request.cookies[Self.preSessionCookie]?.value, cookie.utf8.count == 43 else { return false }
        return ConstantTime.equal(cookie, form["_csrf"] ?? "")
    }

    /// Only a local dashboard path: `next` never sends anyone to another site after signing in.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/dashboard"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("://") else { return "/dashboard" }
        return next
    }
}
