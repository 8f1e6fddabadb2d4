import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

extension DashboardController {
    func addSettingsRoutes(to dashboard: RouterGroup<TallyRequestContext>) {
        dashboard.get("settings", use: signedIn { visit in try await settingsPage(visit) })
        dashboard.post(
            "settings/timezone",
            use: signedIn(.manageSettings) { visit in
                do {
                    try await services.rebucketer.change(accountID: visit.session.accountID, to: visit.form.trimmed("timezone"))
                } catch let error as ValidationError {
                    return try await settingsPage(visit, error: error.message, status: .badRequest)
                }
                return DashboardHTML.seeOther("/dashboard/settings?saved=timezone")
            })
        dashboard.post(
            "settings/blacklist",
            use: signedIn(.manageSettings) { visit in
                guard let network = IPNetwork(visit.form.trimmed("ip")) else {
                    return try await settingsPage(
                        visit, error: "Give an IPv4 or IPv6 address, or a network such as 203.0.113.0/24.", status: .badRequest)
                }
                _ = try await services.accountLists.block(network, accountID: visit.session.accountID)
                return DashboardHTML.seeOther("/dashboard/settings?saved=blacklist")
            })
        dashboard.post(
            "settings/whitelist",
            use: signedIn(.manageSettings) { visit in
                do {
                    _ = try await services.accountLists.allow(domain: visit.form.trimmed("domain"), accountID: visit.session.accountID)
                } catch let error as ValidationError {
                    return try await settingsPage(visit, error: error.message, status: .badRequest)
                }
                return DashboardHTML.seeOther("/dashboard/settings?saved=whitelist")
            })
        dashboard.post(
            "settings/:list/:id/remove",
            use: signedIn(.manageSettings) { visit in
                let list: SQLAccountListRepository.List = visit.context.parameters.get("list") == "whitelist" ? .domainWhitelist : .ipBlacklist
                if let id = visit.context.parameters.get("id", as: Int64.self) {
                    _ = try await services.accountLists.remove(list, id: id, accountID: visit.session.accountID)
                }
                return DashboardHTML.seeOther("/dashboard/settings")
            })
        dashboard.post(
            "settings/webhook",
            use: signedIn(.manageSettings, sudo: .always("Changing the alert webhook")) { visit in
                let url = visit.form.trimmed("url")
                if url.isEmpty || visit.form["remove"] == "yes" {
                    try await services.accounts.setAlertWebhook(accountID: visit.session.accountID, url: nil, secret: nil)
                    return DashboardHTML.seeOther("/dashboard/settings?saved=webhook")
                }
                do {
                    // Refused at save time when it can never be valid (inside addresses in any spelling, local names);
                    // names are checked again, with every address they resolve to, when an alert is sent.
                    _ = try OutboundURL(url, policy: services.outbound)
                    let secret = visit.form["secret"] ?? ""
                    guard (16...200).contains(secret.count) else {
                        throw ValidationError(field: "secret", code: "secret_invalid", message: "the signing secret must be 16 to 200 characters")
                    }
                    try await services.accounts.setAlertWebhook(
                        accountID: visit.session.accountID, url: url.trimmingSpaces, secret: secret)
                } catch let error as ValidationError {
                    return try await settingsPage(visit, error: error.message, status: .badRequest)
                }
                return DashboardHTML.seeOther("/dashboard/settings?saved=webhook")
            })
        dashboard.post(
            "settings/guests",
            use: signedIn(.manageSettings) { visit in
                let now = services.clock.now()
                let guest = Guest(
                    id: 0, accountID: visit.session.accountID, name: visit.form.trimmed("name"), email: visit.form.trimmed("email"),
                    userName: visit.form.trimmed("userName"), createdAt: now, updatedAt: now)
                let invited: (guest: Guest, key: APIKey, fullKey: String)
                do {
                    // The same as the API: a guest comes with a key of their own (guest scopes, bounded by what is shared).
                    invited = try await services.guests.invite(guest, by: actor(visit))
                } catch let error as ValidationError {
                    return try await settingsPage(visit, error: error.message, status: .badRequest)
                }
                return try await shownOnce(
                    visit, key: invited.key, fullKey: invited.fullKey, heading: "Guest key created",
                    note: "Give this key to \(invited.guest.name). They see only what you share with them (the API's guest permissions).")
            })
        dashboard.post(
            "settings/users",
            use: signedIn(.manageUsers, sudo: .always("Adding a user")) { visit in
                guard visit.form["password"] == visit.form["password2"] else {
                    return try await settingsPage(visit, error: "The two passwords differ.", status: .badRequest)
                }
                guard let role = DashboardRole(rawValue: visit.form["role"] ?? DashboardRole.member.rawValue) else {
                    return try await settingsPage(visit, error: "Choose a role.", status: .badRequest)
                }
                // No one hands out more than they hold: an admin adds admins, members and read-only users, not owners.
                guard visit.session.role.mayGrant(role) else {
                    return try await settingsPage(
                        visit, error: "Your role (\(visit.session.role.label)) cannot add a user of role \(role.label).", status: .forbidden)
                }
                do {
                    _ = try await services.accounts.createUser(
                        email: visit.form.trimmed("email"), password: visit.form["password"] ?? "", accountID: visit.session.accountID, role: role,
                        now: services.clock.now())
                } catch let error as ValidationError {
                    return try await settingsPage(visit, error: error.message, status: .badRequest)
                }
                return DashboardHTML.seeOther("/dashboard/settings?saved=user")
            })
    }

    func settingsPage(_ visit: Visit, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let accountID = visit.session.accountID
        let (time, _) = try await services.stats.accountClock(accountID)
        let blacklist = try await services.accountLists.entries(.ipBlacklist, accountID: accountID)
        let whitelist = try await services.accountLists.entries(.domainWhitelist, accountID: accountID)
        let users = try await services.accounts.users(accountID: accountID)
        let guests = try await services.guests.list(accountID: accountID)
        let view = SettingsView(
            timeZone: time.zone.identifier == "GMT" ? "UTC" : time.zone.identifier,
            blacklist: blacklist.map { SettingsView.Entry(id: $0.id, value: $0.value) },
            whitelist: whitelist.map { SettingsView.Entry(id: $0.id, value: $0.value) },
            users: users.map { SettingsView.User(email: $0.user.email, role: $0.role.label, me: $0.user.id == visit.session.userID) },
            guests: guests.map { SettingsView.Guest(name: $0.name, email: $0.email) }, serverWebhook: services.alertWebhook != nil,
            ownWebhook: try await services.accounts.alertWebhook(accountID: accountID)?.url,
            notice: visit.query["saved"].map { "Saved (\($0))." }, error: error)
        return html.page("settings", title: "Settings", view, session: visit.session, section: "settings", status: status)
    }
}
