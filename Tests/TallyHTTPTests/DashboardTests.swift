import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// The dashboard through real HTTP on both engines: setup, sign-in, sessions, CSRF, the one-time key display.
@Suite struct DashboardTests {
    static let pages = [
        "/dashboard", "/dashboard/keys", "/dashboard/links", "/dashboard/links/new", "/dashboard/groups", "/dashboard/conversions",
        "/dashboard/settings", "/dashboard/security", "/dashboard/audit",
    ]
    static let password = "a long enough password"

    /// A server with its owner set up through the setup page; the browser is signed in.
    static func withOwner(
        _ engine: TestEngine, clock: MovableClock = MovableClock(StatsAPITests.start), _ values: [String: ConfigContent] = [:],
        timers: ServiceTimers = .system, _ body: @Sendable (TallyServer, any TallyDatabase, DashboardBrowser) async throws -> Void
    ) async throws {
        try await withTestServer(engine, values, clock: clock.wallClock, timers: timers) { server, database in
            try await server.application.test(.live) { client in
                let browser = DashboardBrowser(client)
                let token = try #require(server.setupToken)
                let form = try await browser.get("/dashboard/setup?token=\(token)")
                let csrf = try #require(DashboardBrowser.field(form, "_csrf"))
                let created = try await browser.post(
                    "/dashboard/setup",
                    [("_csrf", csrf), ("token", token), ("email", "owner@example.com"), ("password", password), ("password2", password)])
                #expect(created.status == .seeOther && created.headers[.location] == "/dashboard")
                try await body(server, database, browser)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func setupWorksOnceAndEveryPageNeedsASession(_ engine: TestEngine) async throws {
        try await Self.withOwner(engine) { server, database, browser in
            #expect(server.setupToken == nil)
            let cookie = try #require(browser.cookies["ct_session"])
            #expect(cookie.utf8.count == 43)
            #expect(try await database.count("users") == 1)
            // Every page: 200, HTML, the strict policy, no caching; the layout's navigation.
            for page in Self.pages {
                let response = try await browser.get(page)
                #expect(response.status == .ok, "\(page)")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(page)")
                #expect(
                    response.headers[HTTPField.Name("Content-Security-Policy")!]?.hasPrefix("default-src 'none'; script-src 'self'") == true,
                    "\(page)")
                #expect(response.headers[.cacheControl] == "no-store", "\(page)")
                #expect(DashboardBrowser.text(response).contains("aria-current=\"page\"") || page == "/dashboard/audit", "\(page)")
            }
            // Signed out: every page sends to sign-in (with where to come back), nothing is shown.
            let saved = browser.cookies
            browser.cookies = [:]
            for page in Self.pages {
                let response = try await browser.get(page)
                #expect(response.status == .seeOther, "\(page)")
                #expect(response.headers[.location]?.hasPrefix("/dashboard/login?next=%2Fdashboard") == true, "\(page)")
            }
            // A forged session cookie is no session.
            browser.cookies = ["ct_session": String(repeating: "A", count: 43)]
            #expect(try await browser.get("/dashboard/keys").status == .seeOther)
            browser.cookies = saved
            // The setup link is spent.
            #expect(try await browser.get("/dashboard/setup?token=anything").status == .notFound)
        }
    }

    /// Behind a trusted reverse proxy: plain HTTP is refused (a password would cross the network in clear); HTTPS
    /// as the proxy reports it gets a `Secure` cookie. Someone else's link is a 404 page, not their data.
    @Test(arguments: TestEngine.available)
    func plainHTTPThroughAProxyIsRefusedAndHTTPSGetsSecureCookies(_ engine: TestEngine) async throws {
        let values: [String: ConfigContent] = [AppConfiguration.Key.trustedProxies: .string("127.0.0.1/32")]
        try await withTestServer(engine, values) { server, _ in
            try await server.application.test(.live) { client in
                let plain = try await client.execute(uri: "/dashboard/login", method: .get)
                #expect(plain.status == .forbidden && String(buffer: plain.body).contains("HTTPS required"))
                let token = try #require(server.setupToken)
                let https: HTTPFields = [HTTPField.Name("X-Forwarded-Proto")!: "https"]
                let form = try await client.execute(uri: "/dashboard/setup?token=\(token)", method: .get, headers: https)
                #expect(form.status == .ok)
                let preSession = try #require(form.headers[values: .setCookie].first { $0.hasPrefix("ct_presession=") })
                let csrf = String(preSession.dropFirst("ct_presession=".count).prefix { $0 != ";" })
                var post = https
                post[.contentType] = "application/x-www-form-urlencoded"
                post[.cookie] = "ct_presession=\(csrf)"
                let body =
                    "_csrf=\(csrf)&token=\(token)&email=owner%40example.com&password=\(DashboardBrowser.encode(Self.password))&password2=\(DashboardBrowser.encode(Self.password))"
                let created = try await client.execute(uri: "/dashboard/setup", method: .post, headers: post, body: ByteBuffer(string: body))
                let session = try #require(created.headers[values: .setCookie].first { $0.hasPrefix("ct_session=") })
                #expect(session.hasSuffix("; Secure") && session.contains("HttpOnly") && session.contains("SameSite=Lax"))
                let other = try await client.execute(
                    uri: "/dashboard/links/999", method: .get,
                    headers: [HTTPField.Name("X-Forwarded-Proto")!: "https", .cookie: String(session.prefix { $0 != ";" })])
                #expect(other.status == .notFound && String(buffer: other.body).contains("not yours to see"))
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func formsWithoutTheSessionsCSRFTokenAreRefusedAndChangeNothing(_ engine: TestEngine) async throws {
        try await Self.withOwner(engine) { _, database, browser in
            let forms: [(String, [(String, String)])] = [
                ("/dashboard/keys", [("name", "forged"), ("preset", "admin")]), ("/dashboard/links", [("destination", "https://example.com/")]),
                ("/dashboard/groups", [("name", "forged")]), ("/dashboard/conversions", [("name", "forged")]),
                ("/dashboard/settings/timezone", [("timezone", "Asia/Tokyo")]), ("/dashboard/password", [("current", Self.password), ("new", "x")]),
                ("/dashboard/security/totp/start", []), ("/dashboard/logout", []),
            ]
            for (path, fields) in forms {
                for csrf in [nil, "wrong", String(repeating: "A", count: 43)] {
                    let response = try await browser.post(path, fields + (csrf.map { [("_csrf", $0)] } ?? []))
                    #expect(response.status == .forbidden, "\(path) with \(csrf ?? "no token")")
                    #expect(DashboardBrowser.text(response).contains("This form has expired"))
                }
            }
            #expect(try await database.count("api_keys") == 0)
            #expect(try await database.count("datapoints") == 0)
            #expect(try await database.count("link_groups") == 0)
            #expect(try await database.count("conversions") == 0)
            #expect(try await database.count("users", where: "totp_pending_secret IS NOT NULL") == 0)
            #expect(try await browser.get("/dashboard").status == .ok, "still signed in: the forged logout did nothing")
            // Sign-in and setup forms without the pre-session cookie's twin are refused too.
            browser.cookies["ct_presession"] = nil
            #expect(try await browser.post("/dashboard/login", [("email", "owner@example.com"), ("password", Self.password)]).status == .forbidden)
        }
    }

    @Test(arguments: TestEngine.available)
    func aNewKeyIsShownOnceThenNeverAgainAndWorksUntilRevoked(_ engine: TestEngine) async throws {
        try await Self.withOwner(engine) { _, database, browser in
            let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/keys"), "_csrf"))
            let created = try await browser.post("/dashboard/keys", [("_csrf", csrf), ("name", "CRM sync"), ("preset", "read-only")])
            #expect(created.status == .seeOther && created.headers[.location] == "/dashboard/keys/shown")
            let shown = try await browser.get("/dashboard/keys/shown")
            let page = DashboardBrowser.text(shown)
            let fullKey = try #require(DashboardBrowser.field(shown, "full-key"))
            #expect(fullKey.hasPrefix("ctk_") && fullKey.utf8.count == APIKeyToken.length)
            #expect(page.contains("it will not be shown again") && page.contains("Treat it like a password"))
            #expect(page.contains("client-side code") && page.contains("public repositories") && page.contains("environment variable"))
            #expect(page.contains("curl -H &quot;X-ClickMeter-API-Key: $CLICKTALLY_KEY&quot;"))
            // Reload: gone. No other page, and no database column, ever holds it.
            let again = try await browser.get("/dashboard/keys/shown")
            #expect(again.status == .seeOther && again.headers[.location] == "/dashboard/keys?gone=1")
            let publicID = String(fullKey.dropFirst(4).prefix(12))
            let secret = String(fullKey.split(separator: "_")[2])
            for path in Self.pages + ["/dashboard/keys?gone=1", "/dashboard/keys/\(publicID)"] {
                let text = DashboardBrowser.text(try await browser.get(path))
                #expect(!text.contains(secret), "\(path)")
            }
            #expect(try await database.count("dashboard_sessions", where: "flash IS NOT NULL") == 0)
            #expect(try await database.count("api_keys", where: "secret_hash LIKE '%\(secret.prefix(10))%'") == 0)
            // The key works on the API, then revoking it from the dashboard stops it.
            let headers: HTTPFields = [HTTPField.Name("X-ClickMeter-API-Key")!: fullKey]
            #expect(try await browser.client.execute(uri: "/v2/datapoints/count", method: .get, headers: headers).status == .ok)
            let keyPage = try await browser.get("/dashboard/keys/\(publicID)")
            #expect(DashboardBrowser.text(keyPage).contains("CRM sync"))
            let unconfirmed = try await browser.post("/dashboard/keys/\(publicID)/revoke", [("_csrf", csrf)])
            #expect(unconfirmed.status == .badRequest)
            #expect(try await browser.client.execute(uri: "/v2/datapoints/count", method: .get, headers: headers).status == .ok)
            let revoked = try await browser.post("/dashboard/keys/\(publicID)/revoke", [("_csrf", csrf), ("confirm", "yes")])
            #expect(revoked.status == .seeOther)
            let refused = try await browser.client.execute(uri: "/v2/datapoints/count", method: .get, headers: headers)
            #expect(refused.status == .unauthorized && String(buffer: refused.body).contains("key_revoked"))
            let audit = DashboardBrowser.text(try await browser.get("/dashboard/audit"))
            #expect(audit.contains("created") && audit.contains("revoked") && audit.contains("dashboard:owner@example.com"))
            // Bad input gets the form back with the reason, and no key.
            let nameless = try await browser.post("/dashboard/keys", [("_csrf", csrf), ("name", " "), ("preset", "read-only")])
            #expect(nameless.status == .badRequest && DashboardBrowser.text(nameless).contains("a key needs a name"))
            let noScopes = try await browser.post("/dashboard/keys", [("_csrf", csrf), ("name", "x"), ("preset", "custom")])
            #expect(noScopes.status == .badRequest && DashboardBrowser.text(noScopes).contains("choose a preset or at least one scope"))
            #expect(try await database.count("api_keys") == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func signInGivesOneAnswerForWrongEmailAndPasswordAndIsThrottled(_ engine: TestEngine) async throws {
        try await Self.withOwner(engine) { _, _, browser in
            browser.cookies = [:]
            let form = try await browser.get("/dashboard/login")
            let csrf = try #require(DashboardBrowser.field(form, "_csrf"))
            let wrongPassword = try await browser.post(
                "/dashboard/login", [("_csrf", csrf), ("email", "owner@example.com"), ("password", "nope nope nope")])
            let wrongEmail = try await browser.post(
                "/dashboard/login", [("_csrf", csrf), ("email", "nobody@example.com"), ("password", "nope nope nope")])
            #expect(wrongPassword.status == .unauthorized && wrongEmail.status == .unauthorized)
            let strip = { (text: String) in
                text.replacingOccurrences(of: "owner@example.com", with: "").replacingOccurrences(of: "nobody@example.com", with: "")
            }
            #expect(strip(DashboardBrowser.text(wrongPassword)) == strip(DashboardBrowser.text(wrongEmail)))
            #expect(DashboardBrowser.text(wrongPassword).contains("Wrong e-mail or password."))
            for _ in 0..<4 {
                try await browser.post("/dashboard/login", [("_csrf", csrf), ("email", "owner@example.com"), ("password", "still wrong!")])
            }
            // Five failures for this account: even the right password waits now.
            let throttled = try await browser.post(
                "/dashboard/login", [("_csrf", csrf), ("email", "owner@example.com"), ("password", Self.password)])
            #expect(throttled.status == .tooManyRequests && throttled.headers[.retryAfter] == "900")
            #expect(browser.cookies["ct_session"] == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func twoFactorEnrolmentThenSignInNeedsACodeOrARecoveryCode(_ engine: TestEngine) async throws {
        let clock = MovableClock(StatsAPITests.start)
        try await Self.withOwner(engine, clock: clock) { _, database, browser in
            let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/security"), "_csrf"))
            let enrol = DashboardBrowser.text(try await browser.post("/dashboard/security/totp/start", [("_csrf", csrf)]))
            let secretStart = try #require(enrol.range(of: "<code id=\"totp-secret\">"))
            let secret = String(enrol[secretStart.upperBound...].prefix { $0 != "<" }).replacingOccurrences(of: " ", with: "")
            let totp = try #require(TOTP(base32: secret))
            #expect(enrol.contains("<svg") && enrol.contains("QR code to scan"))
            let wrong = try await browser.post("/dashboard/security/totp/confirm", [("_csrf", csrf), ("code", "000000")])
            #expect(wrong.status == .badRequest || totp.code(step: TOTP.step(at: StatsAPITests.start)) == "000000")
            let confirmed = try await browser.post(
                "/dashboard/security/totp/confirm", [("_csrf", csrf), ("code", totp.code(step: TOTP.step(at: StatsAPITests.start)))])
            #expect(confirmed.headers[.location] == "/dashboard/security/recovery-codes")
            let codesPage = DashboardBrowser.text(try await browser.get("/dashboard/security/recovery-codes"))
            // Only the recovery box: elsewhere on the page a random token (the CSRF one) can hold an 11-character run with a hyphen.
            let boxStart = try #require(codesPage.range(of: "id=\"recovery\""))
            let box = codesPage[boxStart.upperBound...].prefix { $0 != "<" }.drop { $0 != ">" }
            let codes = box.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "-" }).map(String.init)
                .filter { $0.utf8.count == 11 && $0.contains("-") }
            #expect(codes.count == 10)
            #expect(try await browser.get("/dashboard/security/recovery-codes").status == .seeOther, "shown once")
            #expect(try await database.count("recovery_codes") == 10)

            // Sign out; sign in: the password alone opens only the code page.
            try await browser.post("/dashboard/logout", [("_csrf", csrf)])
            let loginForm = try await browser.get("/dashboard/login")
            let loginCSRF = try #require(DashboardBrowser.field(loginForm, "_csrf"))
            let half = try await browser.post(
                "/dashboard/login", [("_csrf", loginCSRF), ("email", "owner@example.com"), ("password", Self.password)])
            #expect(half.headers[.location] == "/dashboard/login/code")
            #expect(try await browser.get("/dashboard/keys").headers[.location] == "/dashboard/login/code")
            let codeCSRF = try #require(DashboardBrowser.field(try await browser.get("/dashboard/login/code"), "_csrf"))
            // The step used to enrol is spent: its code is refused (no replay).
            let replay = try await browser.post(
                "/dashboard/login/code", [("_csrf", codeCSRF), ("code", totp.code(step: TOTP.step(at: StatsAPITests.start)))])
            #expect(replay.status == .unauthorized)
            clock.advance(minutes: 1)
            let next = totp.code(step: TOTP.step(at: StatsAPITests.start + 60_000))
            let done = try await browser.post("/dashboard/login/code", [("_csrf", codeCSRF), ("code", next)])
            #expect(done.status == .seeOther && done.headers[.location] == "/dashboard")
            #expect(try await browser.get("/dashboard/keys").status == .ok)

            // A recovery code signs in once.
            let fullCSRF = try #require(DashboardBrowser.field(try await browser.get("/dashboard/keys"), "_csrf"))
            try await browser.post("/dashboard/logout", [("_csrf", fullCSRF)])
            for attempt in 0..<2 {
                let csrf2 = try #require(DashboardBrowser.field(try await browser.get("/dashboard/login"), "_csrf"))
                try await browser.post("/dashboard/login", [("_csrf", csrf2), ("email", "owner@example.com"), ("password", Self.password)])
                let codeCSRF2 = try #require(DashboardBrowser.field(try await browser.get("/dashboard/login/code"), "_csrf"))
                let used = try await browser.post("/dashboard/login/code", [("_csrf", codeCSRF2), ("code", codes[0].uppercased())])
                #expect(used.status == (attempt == 0 ? .seeOther : .unauthorized), "attempt \(attempt)")
                if attempt == 0 {
                    let csrf3 = try #require(DashboardBrowser.field(try await browser.get("/dashboard/keys"), "_csrf"))
                    try await browser.post("/dashboard/logout", [("_csrf", csrf3)])
                }
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func settingsAddUsersAndGuestsWithTheirOwnKey(_ engine: TestEngine) async throws {
        try await Self.withOwner(engine) { _, database, browser in
            let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/settings"), "_csrf"))
            let user = try await browser.post(
                "/dashboard/settings/users",
                [("_csrf", csrf), ("email", "colleague@example.com"), ("password", Self.password), ("password2", Self.password)])
            #expect(user.status == .seeOther)
            #expect(try await database.count("users") == 2)
            let badGuest = try await browser.post(
                "/dashboard/settings/guests", [("_csrf", csrf), ("name", "Ann"), ("email", "not-an-email"), ("userName", "ann")])
            #expect(badGuest.status == .badRequest)
            let guest = try await browser.post(
                "/dashboard/settings/guests", [("_csrf", csrf), ("name", "Ann"), ("email", "ann@example.com"), ("userName", "ann")])
            #expect(guest.headers[.location] == "/dashboard/keys/shown")
            let shown = try await browser.get("/dashboard/keys/shown")
            #expect(
                DashboardBrowser.text(shown).contains("Guest key created") && DashboardBrowser.field(shown, "full-key")?.hasPrefix("ctk_") == true)
            #expect(try await database.count("api_keys", where: "guest_id IS NOT NULL") == 1)
            let settings = DashboardBrowser.text(try await browser.get("/dashboard/settings"))
            #expect(settings.contains("colleague@example.com") && settings.contains("Ann &lt;ann@example.com&gt;"))
            // No webhook of the account's own: nothing shown as set (an empty URL once rendered "Now: <code></code>").
            #expect(!settings.contains("Now: <code>") && !settings.contains("name=\"remove\" value=\"yes\""))
            let blocked = try await browser.post("/dashboard/settings/blacklist", [("_csrf", csrf), ("ip", "203.0.113.0/24")])
            let blockedCount = try await database.count("ip_blacklist")
            #expect(blocked.status == .seeOther && blockedCount == 1)
            #expect(try await browser.post("/dashboard/settings/blacklist", [("_csrf", csrf), ("ip", "not an ip")]).status == .badRequest)
            #expect(try await browser.post("/dashboard/settings/timezone", [("_csrf", csrf), ("timezone", "Mars/Olympus")]).status == .badRequest)
        }
    }

    @Test(arguments: TestEngine.available)
    func linksAreCreatedEditedPausedAndCountedOnTheirPage(_ engine: TestEngine) async throws {
        try await Self.withOwner(engine) { server, database, browser in
            let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/links/new"), "_csrf"))
            let bad = try await browser.post("/dashboard/links", [("_csrf", csrf), ("type", "link"), ("destination", "javascript:alert(1)")])
            #expect(bad.status == .badRequest && DashboardBrowser.text(bad).contains("class=\"error\""))
            let created = try await browser.post(
                "/dashboard/links",
                [
                    ("_csrf", csrf), ("type", "link"), ("name", "spring"), ("destination", "https://example.com/sale"), ("tags", "launch, mail"),
                    ("redirect", "302"), ("mode", "0"),
                ])
            let location = try #require(created.headers[.location])
            #expect(created.status == .seeOther && location.hasPrefix("/dashboard/links/"))
            #expect(try await database.count("datapoints", where: "name = 'spring'") == 1)
            #expect(try await database.count("datapoint_tags") == 2)
            // A click on the tracking link shows on the link's page.
            #expect(try await browser.client.execute(uri: "/spring", method: .get).status == .found)
            await server.hits.waitUntilCommitted(1)
            let page = DashboardBrowser.text(try await browser.get(location))
            #expect(page.contains("<b id=\"total-hits\">1</b>"))
            #expect(page.contains("<svg") && page.contains("Hits per day, last 30 days"))
            #expect(page.contains("QR code for http"))
            // The overview's today / 7 / 30-day figures come from the same 30-day read as its chart.
            let overview = DashboardBrowser.text(try await browser.get("/dashboard"))
            for label in ["Today", "7 days", "30 days"] {
                #expect(overview.contains("<span>\(label)</span><b>1</b><small>clicks · 0 views"), "\(label)")
            }
            #expect(overview.contains(">spring</a>"))
            let qr = try await browser.get(location + "/qr.svg")
            #expect(qr.status == .ok && qr.headers[.contentType] == "image/svg+xml")
            // Pause, resume, rotator edit, list search.
            #expect(try await browser.post(location + "/pause", [("_csrf", csrf)]).status == .seeOther)
            #expect(try await database.count("datapoints", where: "status = 1") == 1)
            #expect(try await browser.post(location + "/resume", [("_csrf", csrf)]).status == .seeOther)
            let rotator = try await browser.post(
                location,
                [
                    ("_csrf", csrf), ("destination", "https://example.com/sale"), ("mode", "9"),
                    ("rotation", "https://a.example/ 70\nhttps://b.example/ 30"),
                    ("tags", "launch"),
                ])
            #expect(rotator.status == .seeOther)
            #expect(try await database.count("datapoint_tags") == 1)
            let list = DashboardBrowser.text(try await browser.get("/dashboard/links?q=spr&status=active"))
            #expect(list.contains(">spring</a>") && list.contains("launch"))
            #expect(!DashboardBrowser.text(try await browser.get("/dashboard/links?q=nothing-like-it")).contains(">spring</a>"))
            let live = try await browser.get(location + "/live?maxSeconds=1&since=0")
            #expect(live.status == .ok && DashboardBrowser.text(live).contains("event: hit"))
        }
    }
}
