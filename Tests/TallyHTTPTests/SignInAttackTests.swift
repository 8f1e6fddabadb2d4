import Configuration
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// Brute force against the dashboard's sign-in (issue 13 §5), through real HTTP on both engines: parallel guesses,
/// a known password used to reset the code counter, IPv6 address hopping, a replayed code, re-enrolment by a
/// stolen session.
@Suite struct SignInAttackTests {
    static let password = DashboardTests.password

    /// The owner turns two-factor on through the pages; returns the authenticator.
    static func enrol(_ browser: DashboardBrowser, _ clock: MovableClock) async throws -> TOTP {
        let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/security"), "_csrf"))
        let page = DashboardBrowser.text(try await browser.post("/dashboard/security/totp/start", [("_csrf", csrf)]))
        let start = try #require(page.range(of: "<code id=\"totp-secret\">"))
        let totp = try #require(TOTP(base32: String(page[start.upperBound...].prefix { $0 != "<" }).replacingOccurrences(of: " ", with: "")))
        let now = clock.wallClock.now()
        let confirmed = try await browser.post("/dashboard/security/totp/confirm", [("_csrf", csrf), ("code", totp.code(step: TOTP.step(at: now)))])
        #expect(confirmed.status == .seeOther)
        _ = try await browser.get("/dashboard/security/recovery-codes")
        return totp
    }

    /// Fifty form posts at once, each with the same pre-session (or session) cookie; the statuses.
    static func parallel(_ client: any TestClientProtocol, _ uri: String, cookie: String, _ forms: [String]) async throws -> [HTTPResponse.Status] {
        try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
            for form in forms {
                group.addTask {
                    try await client.execute(
                        uri: uri, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                        body: ByteBuffer(string: form)
                    ).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test(arguments: TestEngine.available)
    func fiftyParallelWrongPasswordsCheckNoMoreThanTheLimit(_ engine: TestEngine) async throws {
        try await DashboardTests.withOwner(engine) { server, _, browser in
            let login = try await browser.get("/dashboard/login")
            let csrf = try #require(DashboardBrowser.field(login, "_csrf"))
            let cookie = "\(DashboardController.preSessionCookie)=\(csrf)"
            let form = "_csrf=\(csrf)&email=owner%40example.com&password=wrong-guess"
            let statuses = try await Self.parallel(browser.client, "/dashboard/login", cookie: cookie, Array(repeating: form, count: 50))
            #expect(statuses.filter { $0 == .unauthorized }.count == 5, "only five guesses were checked")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 45)
            let used = try await server.dashboardThrottle.used(.account(email: "owner@example.com"), now: server.clock.now())
            #expect(used == 5)
        }
    }

    @Test(arguments: TestEngine.available)
    func wrongCodesAreCountedOnTheirOwnAndAPasswordDoesNotResetThem(_ engine: TestEngine) async throws {
        let clock = MovableClock(StatsAPITests.start)
        try await DashboardTests.withOwner(engine, clock: clock) { server, _, browser in
            let totp = try await Self.enrol(browser, clock)
            func signInWithPassword() async throws {
                let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/login"), "_csrf"))
                let half = try await browser.post("/dashboard/login", [("_csrf", csrf), ("email", "owner@example.com"), ("password", Self.password)])
                #expect(half.headers[.location] == "/dashboard/login/code")
            }
            try await browser.post(
                "/dashboard/logout", [("_csrf", try #require(DashboardBrowser.field(try await browser.get("/dashboard/keys"), "_csrf")))])
            try await signInWithPassword()
            // Fifty wrong codes at once on the half-open session: five are checked.
            let codePage = try await browser.get("/dashboard/login/code")
            let codeCSRF = try #require(DashboardBrowser.field(codePage, "_csrf"))
            let session = "ct_session=\(try #require(browser.cookies["ct_session"]))"
            let wrong = (0..<50).map { "_csrf=\(codeCSRF)&code=\(String(format: "%06d", 100_000 + $0))" }
            let statuses = try await Self.parallel(browser.client, "/dashboard/login/code", cookie: session, wrong)
            #expect(statuses.filter { $0 == .unauthorized }.count <= 5)
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 45)
            // The password again (right, so the account's count is cleared) does not reset the code's count.
            try await signInWithPassword()
            clock.advance(minutes: 1)
            let csrf2 = try #require(DashboardBrowser.field(try await browser.get("/dashboard/login/code"), "_csrf"))
            let right = try await browser.post(
                "/dashboard/login/code", [("_csrf", csrf2), ("code", totp.code(step: TOTP.step(at: clock.wallClock.now())))])
            #expect(right.status == .tooManyRequests, "even the right code waits out the window")
            // After the window the right code works and clears the count.
            clock.advance(minutes: 16)
            let later = try await browser.post(
                "/dashboard/login/code", [("_csrf", csrf2), ("code", totp.code(step: TOTP.step(at: clock.wallClock.now())))])
            #expect(later.status == .seeOther && later.headers[.location] == "/dashboard")
            #expect(try await server.dashboardThrottle.used(.secondFactor(userID: 1), now: clock.wallClock.now()) == 0)
        }
    }

    @Test(arguments: TestEngine.available)
    func anIPv6ClientIsCountedPerSlash64(_ engine: TestEngine) async throws {
        let proxied: [String: ConfigContent] = [AppConfiguration.Key.trustedProxies: .string("127.0.0.1/32")]
        // Behind a trusted proxy on this machine (it says HTTPS); nobody needs to exist to be guessed at.
        try await withTestServer(engine, proxied) { server, _ in
            try await server.application.test(.live) { client in
                let login = try await client.execute(
                    uri: "/dashboard/login", method: .get,
                    headers: [HTTPField.Name("X-Forwarded-Proto")!: "https", HTTPField.Name("X-Forwarded-For")!: "2001:db8:1:2::1"])
                let csrf = try #require(DashboardBrowser.field(login, "_csrf"))
                let browser = (client: client, unused: 0)
                var statuses: [HTTPResponse.Status] = []
                for index in 0..<21 {
                    // A different address of the same /64 and a different e-mail each time: only the /64 ties them.
                    let response = try await browser.client.execute(
                        uri: "/dashboard/login", method: .post,
                        headers: [
                            .cookie: "\(DashboardController.preSessionCookie)=\(csrf)", .contentType: "application/x-www-form-urlencoded",
                            HTTPField.Name("X-Forwarded-For")!: "2001:db8:1:2:\(String(index + 1, radix: 16))::7",
                            HTTPField.Name("X-Forwarded-Proto")!: "https",
                        ],
                        body: ByteBuffer(string: "_csrf=\(csrf)&email=user\(index)%40example.com&password=wrong-guess"))
                    statuses.append(response.status)
                }
                #expect(statuses.prefix(20).allSatisfy { $0 == .unauthorized })
                #expect(statuses.last == .tooManyRequests)
                // Another /64 is another client.
                let elsewhere = try await client.execute(
                    uri: "/dashboard/login", method: .post,
                    headers: [
                        .cookie: "\(DashboardController.preSessionCookie)=\(csrf)", .contentType: "application/x-www-form-urlencoded",
                        HTTPField.Name("X-Forwarded-For")!: "2001:db8:1:3::7", HTTPField.Name("X-Forwarded-Proto")!: "https",
                    ],
                    body: ByteBuffer(string: "_csrf=\(csrf)&email=someone%40example.com&password=wrong-guess"))
                #expect(elsewhere.status == .unauthorized)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aStolenSessionCannotReEnrolTwoFactorWithoutACode(_ engine: TestEngine) async throws {
        let clock = MovableClock(StatsAPITests.start)
        try await DashboardTests.withOwner(engine, clock: clock) { _, database, browser in
            let totp = try await Self.enrol(browser, clock)
            let before = try await database.read { db in
                try await db.select().column("totp_secret").from("users").first(decodingColumn: "totp_secret", as: String?.self)
            }
            let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/security"), "_csrf"))
            let noCode = try await browser.post("/dashboard/security/totp/start", [("_csrf", csrf)])
            #expect(noCode.status == .badRequest)
            let wrongCode = try await browser.post("/dashboard/security/totp/start", [("_csrf", csrf), ("code", "000000")])
            #expect(wrongCode.status == .badRequest || totp.code(step: TOTP.step(at: clock.wallClock.now())) == "000000")
            let pending = try await database.read { db in
                try await db.select().column("totp_pending_secret").from("users").first(decodingColumn: "totp_pending_secret", as: String?.self)
            }
            #expect(pending == .some(nil), "no new secret is waiting")
            clock.advance(minutes: 1)
            let moved = try await browser.post(
                "/dashboard/security/totp/start", [("_csrf", csrf), ("code", totp.code(step: TOTP.step(at: clock.wallClock.now())))])
            #expect(moved.status == .ok && DashboardBrowser.text(moved).contains("totp-secret"))
            let after = try await database.read { db in
                try await db.select().column("totp_secret").from("users").first(decodingColumn: "totp_secret", as: String?.self)
            }
            #expect(before == after, "the old factor stays until the new one is confirmed")
        }
    }

    @Test(arguments: TestEngine.available)
    func theSameCodeSentTwiceAtOnceSucceedsOnceAndRecoveryCodesAreKeyed(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let user = try await AccountService(database: database, bcryptCost: 4).createUser(
                email: "racer@example.com", password: "a long enough password", now: 1)
            let secret = Array("a server secret of thirty-two bytes!".utf8)
            let service = TwoFactorService(database: database, serverSecret: secret)
            let totp = try await service.beginEnrolment(userID: user.id)
            let now: Int64 = 1_764_410_400_000
            let codes = try await service.confirmEnrolment(userID: user.id, code: totp.code(step: TOTP.step(at: now)), now: now)
            let next = now + 30_000
            for round in 0..<5 {
                let at = next + Int64(round) * 30_000
                let code = totp.code(step: TOTP.step(at: at))
                let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for _ in 0..<8 { group.addTask { try await service.verify(userID: user.id, code: code, now: at) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.filter { $0 }.count == 1, "round \(round): \(results)")
            }
            // The TOTP secret is sealed at rest: the column holds no base32 secret.
            let column = try await database.read { db in
                try await db.select().column("totp_secret").from("users").where("id", .equal, user.id).first(
                    decodingColumn: "totp_secret", as: String.self)
            }
            #expect(column?.hasPrefix("v1:") == true && column?.contains(totp.base32) == false)
            // Recovery codes: keyed under the server secret, not a plain SHA-256 anyone could test guesses against.
            let stored = try await database.read { db in
                try await db.select().column("code_hash").from("recovery_codes").all(decodingColumn: "code_hash", as: String.self)
            }
            let normalised = SignInSecrets.normalisedRecoveryCode(codes[0])
            #expect(stored.contains(service.recoveryHash(normalised)))
            #expect(!stored.contains(SignInSecrets.hash(normalised)))
            let spent = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await service.verify(userID: user.id, code: codes[0], now: next + 600_000) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(spent.filter { $0 }.count == 1)
        }
    }
}
