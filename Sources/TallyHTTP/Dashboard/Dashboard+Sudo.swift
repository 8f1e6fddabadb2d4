import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

/// Sensitive actions (an admin or key-managing key, another's key rotated or revoked, the webhook, two-factor off, a
/// new user) need the password or a code within the last 10 minutes, like GitHub's sudo mode: a session cookie
/// stolen or left signed in on a shared machine is not enough to take the account over.
extension DashboardController {
    /// `nil` when the action may go on (confirmed recently, or confirmed by this very form); else the page asking.
    func sudoRefusal(_ sudo: Sudo, _ visit: Visit, now: Int64) async throws -> Response? {
        let action: String
        switch sudo {
        case .never: return nil
        case .always(let name): action = name
        case .when(let name, let applies):
            guard try await applies(visit) else { return nil }
            action = name
        }
        if visit.session.confirmedAt > now - Self.sudoWindowMilliseconds { return nil }
        let password = visit.form["_sudo_password"] ?? ""
        let code = visit.form["_sudo_code"] ?? ""
        var error: String?
        if !password.isEmpty || !code.isEmpty {
            switch try await confirmation(visit, password: password, code: code, now: now) {
            case .right:
                try await services.sessions.confirm(token: visit.token, now: now)
                return nil
            case .wrong: error = "That is not right. Try again."
            case .throttled: error = "Too many failed attempts. Wait 15 minutes and try again."
            }
        }
        let view = ConfirmView(
            action: action, path: visit.request.uri.path,
            fields: visit.form.pairs.filter { !$0.0.hasPrefix("_sudo_") }.map { ConfirmView.Field(name: $0.0, value: $0.1) },
            totpOn: try await services.twoFactor.isEnabled(userID: visit.session.userID), error: error)
        return html.page("confirm", title: "Confirm it is you", view, session: visit.session, status: error == nil ? .forbidden : .unauthorized)
    }

    /// The password (counted like a sign-in) or a code (counted like a second factor).
    private func confirmation(_ visit: Visit, password: String, code: String, now: Int64) async throws -> CodeCheck {
        if !password.isEmpty {
            let subjects: [LoginThrottle.Subject] = [.account(email: visit.session.email), .address(IPAddress(visit.clientIP))]
            guard try await services.throttle.take(subjects, now: now) else { return .throttled }
            guard try await services.accounts.authenticate(email: visit.session.email, password: password)?.id == visit.session.userID else {
                return .wrong
            }
            try await services.throttle.clear(subjects[0])
            try await services.throttle.giveBack(subjects[1])
            return .right
        }
        return try await checkSecondFactor(visit, code: code)
    }
}
