import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

extension DashboardController {
    func addTwoFactorRoutes(to dashboard: RouterGroup<TallyRequestContext>) {
        dashboard.get("security", use: signedIn { visit in try await securityPage(visit) })
        dashboard.post(
            "security/totp/start",
            use: signedIn { visit in
                // Replacing a factor that is on needs a code from it: a stolen session alone must not re-enrol it.
                if try await services.twoFactor.isEnabled(userID: visit.session.userID) {
                    switch try await checkSecondFactor(visit) {
                    case .right: break
                    case .wrong: return try await securityPage(visit, totpError: "That code is not right; nothing changed.", status: .badRequest)
                    case .throttled: return try await securityPage(visit, totpError: Self.throttledText, status: .tooManyRequests)
                    }
                }
                let totp = try await services.twoFactor.beginEnrolment(userID: visit.session.userID)
                return try await enrolmentPage(visit, totp)
            })
        dashboard.post(
            "security/totp/confirm",
            use: signedIn { visit in
                guard let pending = try await services.twoFactor.pendingSecret(userID: visit.session.userID) else {
                    return DashboardHTML.seeOther("/dashboard/security")
                }
                do {
                    let codes = try await services.twoFactor.confirmEnrolment(
                        userID: visit.session.userID, code: visit.form["code"] ?? "", now: services.clock.now())
                    // Shown on the next page only (sealed in the session, erased when read); stored as hashes.
                    try await services.sessions.setFlash(token: visit.token, codes.joined(separator: "\n"))
                    return DashboardHTML.seeOther("/dashboard/security/recovery-codes")
                } catch let error as ValidationError {
                    return try await enrolmentPage(visit, pending, error: error.message)
                }
            })
        dashboard.get(
            "security/recovery-codes",
            use: signedIn { visit in
                guard let codes = try await services.sessions.takeFlash(token: visit.token) else {
                    return DashboardHTML.seeOther("/dashboard/security")
                }
                return html.page(
                    "recovery-codes", title: "Recovery codes", RecoveryCodesView(codes: codes.split(separator: "\n").map { .init(code: String($0)) }),
                    session: visit.session,
                    section: "security")
            })
        dashboard.post(
            "security/totp/disable",
            use: signedIn(sudo: .always("Turning two-factor off")) { visit in
                switch try await checkSecondFactor(visit) {
                case .right: break
                case .wrong: return try await securityPage(visit, totpError: "That code is not right; two-factor stays on.", status: .badRequest)
                case .throttled: return try await securityPage(visit, totpError: Self.throttledText, status: .tooManyRequests)
                }
                try await services.twoFactor.disable(userID: visit.session.userID)
                return DashboardHTML.seeOther("/dashboard/security?changed=totp-off")
            })
    }

    enum CodeCheck { case right, wrong, throttled }
    static let throttledText = "Too many wrong codes. Wait 15 minutes and try again."

    /// A code from the user's authenticator (or a recovery code), counted against the same second-factor limit as
    /// signing in, so these forms are no way around it.
    func checkSecondFactor(_ visit: Visit, code: String? = nil) async throws -> CodeCheck {
        let now = services.clock.now()
        let subjects: [LoginThrottle.Subject] = [.secondFactor(userID: visit.session.userID), .address(IPAddress(visit.clientIP))]
        guard try await services.throttle.take(subjects, now: now) else { return .throttled }
        guard try await services.twoFactor.verify(userID: visit.session.userID, code: code ?? visit.form["code"] ?? "", now: now) else {
            return .wrong
        }
        try await services.throttle.clear(subjects[0])
        try await services.throttle.giveBack(subjects[1])
        return .right
    }

    func enrolmentPage(_ visit: Visit, _ totp: TOTP, error: String? = nil) async throws -> Response {
        let uri = totp.provisioningURI(account: visit.session.email, issuer: "ClickTally")
        let qr = (try? QRCode(text: uri))?.svg(label: "QR code to scan with an authenticator app") ?? ""
        return html.page(
            "totp-enrol", title: "Turn on two-factor", EnrolmentView(qr: qr, secret: Self.grouped(totp.base32), error: error), session: visit.session,
            section: "security", status: error == nil ? .ok : .badRequest)
    }

    func securityPage(_ visit: Visit, passwordError: String? = nil, totpError: String? = nil, status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        let enabled = try await services.twoFactor.isEnabled(userID: visit.session.userID)
        var view = SecurityView(
            totpOn: enabled, recoveryLeft: try await services.twoFactor.recoveryCodesLeft(userID: visit.session.userID),
            passwordError: passwordError, totpError: totpError)
        switch visit.query["changed"] {
        case "password": view.notice = "Password changed. Every other session was signed out."
        case "totp-off": view.notice = "Two-factor sign-in is off."
        default: break
        }
        return html.page("security", title: "Security", view, session: visit.session, section: "security", status: status)
    }

    /// `ABCD EFGH …`: a secret typed by hand is read in groups of four.
    static func grouped(_ text: String) -> String {
        var result = ""
        for (index, character) in text.enumerated() {
            if index > 0, index % 4 == 0 { result += " " }
            result.append(character)
        }
        return result
    }
}
