/// The settings page (`settings` template): the account's time zone, IP blacklist, domain whitelist, alert webhook,
/// users and guests.
struct SettingsView: DashboardView {
    /// A blacklisted address or a whitelisted domain, with the id its remove form names.
    struct Entry: DashboardView {
        let id: Int64
        let value: String

        func child(named key: String) -> Any? {
            switch key {
            case "id": id
            case "value": value
            default: nil
            }
        }
    }

    struct User: DashboardView {
        let email: String
        let role: String
        /// The signed-in user ("(you)").
        let me: Bool

        func child(named key: String) -> Any? {
            switch key {
            case "email": email
            case "role": role
            case "me": me
            default: nil
            }
        }
    }

    struct Guest: DashboardView {
        let name: String
        let email: String

        func child(named key: String) -> Any? {
            switch key {
            case "name": name
            case "email": email
            default: nil
            }
        }
    }

    let timeZone: String
    let blacklist: [Entry]
    let whitelist: [Entry]
    let users: [User]
    let guests: [Guest]
    /// The operator set `--alert-webhook-url` (alerts go there when the account has none).
    let serverWebhook: Bool
    /// The account's own webhook URL, if it set one.
    let ownWebhook: String?
    let notice: String?
    let error: String?

    func child(named key: String) -> Any? {
        switch key {
        case "timezone": timeZone
        case "blacklist": blacklist
        case "noBlacklist": blacklist.isEmpty
        case "whitelist": whitelist
        case "noWhitelist": whitelist.isEmpty
        case "users": users
        case "guests": guests
        case "noGuests": guests.isEmpty
        case "webhook": serverWebhook
        // Absent when none: Mustache takes an empty string as present, and an account without a webhook showed "Now:
        // <code></code> (a signing secret is set)" while the page was built from `?? ""`.
        case "ownWebhook": ownWebhook
        case "notice": notice
        case "error": error
        default: nil
        }
    }
}
