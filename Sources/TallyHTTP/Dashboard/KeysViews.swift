import Foundation
import TallyCore

/// One key as the key list and the key page show it.
struct KeyRowView: DashboardView {
    let publicID: String
    let name: String
    let lastFour: String
    let scopes: String
    let created: String
    let expires: String
    let lastUsed: String
    let lastUsedIP: String
    /// active, rotating (the old secret still works), expired or revoked.
    let status: String
    let active: Bool
    let groupsText: String
    let networksText: String
    /// The current secret's age ("34 days").
    let age: String
    /// When the policy wants it rotated ("in 12 days", "overdue"), empty without a maximum age.
    let rotation: String
    /// Within the policy's warning window or past it.
    let rotationDue: Bool
    let disabled: Bool
    let limitsText: String
    let usageText: String

    init(_ key: APIKey, now: Int64, policy: KeyPolicy = .none) {
        publicID = key.publicID
        name = key.name
        lastFour = key.lastFour
        scopes = key.scopes.description.replacingOccurrences(of: ",", with: ", ")
        created = DashboardFormat.time(key.createdAt)
        expires = key.expiresAt.map(DashboardFormat.time) ?? "never"
        lastUsed = key.lastUsedAt.map(DashboardFormat.time) ?? "never"
        lastUsedIP = key.lastUsedIP ?? ""
        status =
            key.status == .revoked
            ? "revoked"
            : key.status == .disabled
                ? "disabled" : key.isExpired(at: now) ? "expired" : key.previousValidUntil.map { $0 > now } == true ? "rotating" : "active"
        disabled = key.status == .disabled
        let day: Int64 = 86_400_000
        let days = max(0, (now - key.secretCreatedAt) / day)
        age = days == 1 ? "1 day" : "\(days) days"
        if key.status == .active, let due = policy.rotationDue(secretCreatedAt: key.secretCreatedAt) {
            let left = (due - now + day - 1) / day
            rotation = now >= due ? "overdue" : left == 1 ? "in 1 day" : "in \(left) days"
            rotationDue = now >= due - Int64(policy.warningDays.max() ?? 0) * day
        } else {
            (rotation, rotationDue) = ("", false)
        }
        limitsText = key.limits.map { "\($0.name): \($0.requests) per \($0.seconds) s" }.joined(separator: ", ")
        usageText =
            key.usageLimited
            ? "\(key.usageRemaining ?? 0) requests left" + (key.usageRefill.map { ", refilled to \($0.amount) each \($0.period.rawValue)" } ?? "")
            : "unlimited"
        active = key.status == .active && !key.isExpired(at: now)
        groupsText = key.groupIDs.isEmpty ? "all" : key.groupIDs.map(String.init).joined(separator: ", ")
        networksText = key.allowedNetworks.isEmpty ? "any" : key.allowedNetworks.map(\.description).joined(separator: ", ")
    }

    func child(named key: String) -> Any? {
        switch key {
        case "publicID": publicID
        case "name": name
        case "lastFour": lastFour
        case "scopes": scopes
        case "created": created
        case "expires": expires
        case "lastUsed": lastUsed
        case "lastUsedIP": lastUsedIP.isEmpty ? nil : lastUsedIP
        case "status": status
        case "active": active
        case "groupsText": groupsText
        case "networksText": networksText
        case "age": age
        case "rotation": rotation
        case "rotationDue": rotationDue
        case "disabled": disabled
        case "limitsText": limitsText.isEmpty ? nil : limitsText
        case "usageText": usageText
        default: nil
        }
    }
}

/// The key list (`keys`): the keys, the creation form (echoing what was typed when it is refused) and the alerts.
struct KeysView: DashboardView {
    /// What the creation form had, shown again with its error.
    struct Echo: Sendable {
        var name = ""
        var days = ""
        var networks = ""
    }

    struct Scope: DashboardView {
        let resource: String

        func child(named key: String) -> Any? {
            switch key {
            case "resource": resource
            case "read": "\(resource):read"
            case "write": "\(resource):write"
            default: nil
            }
        }
    }

    struct Alert: DashboardView {
        let id: Int64
        let kind: String
        let message: String
        let ip: String
        let time: String
        let open: Bool

        func child(named key: String) -> Any? {
            switch key {
            case "id": id
            case "kind": kind
            case "message": message
            case "ip": ip
            case "time": time
            case "open": open
            default: nil
            }
        }
    }

    let keys: [KeyRowView]
    let groups: [DashboardChoice]
    let alerts: [Alert]
    var echo = Echo()
    var notice: String?
    var error: String?
    /// The account's key policy, for its form.
    var policy = KeyPolicy.none

    /// What needs doing, above the list: keys due for rotation, keys disabled for going unused.
    var banner: String? {
        var parts: [String] = []
        let due = keys.filter(\.rotationDue).count
        if due > 0 { parts.append(due == 1 ? "1 key is due for rotation" : "\(due) keys are due for rotation") }
        let disabled = keys.filter(\.disabled).count
        if disabled > 0 { parts.append(disabled == 1 ? "1 key was disabled for going unused" : "\(disabled) keys were disabled for going unused") }
        return parts.isEmpty ? nil : parts.joined(separator: "; ") + "."
    }
    static let scopes = APIScope.Resource.allCases.map { Scope(resource: $0.rawValue) }

    func child(named key: String) -> Any? {
        switch key {
        case "keys": keys
        case "noKeys": keys.isEmpty
        case "groups": groups
        case "hasGroups": !groups.isEmpty
        case "scopes": Self.scopes
        case "alerts": alerts
        case "noAlerts": alerts.isEmpty
        case "formName": echo.name
        case "formDays": echo.days
        case "formNetworks": echo.networks
        case "notice": notice
        case "error": error
        case "banner": banner
        case "policyMaxAge": policy.maxAgeDays.map(String.init) ?? ""
        case "policyWarnings": policy.warningDays.map(String.init).joined(separator: ", ")
        case "policyExpire": policy.expireAtMaxAge
        case "policyStale": policy.staleDays.map(String.init) ?? ""
        case "policyDisable": policy.disableStale
        default: nil
        }
    }
}

/// One key's page (`key`): the row's values, 24 hours of requests as a chart, the last requests.
struct KeyView: DashboardView {
    struct Request: DashboardView {
        let time: String
        let method: String
        let route: String
        let status: Int
        let ip: String
        let ms: String

        func child(named key: String) -> Any? {
            switch key {
            case "time": time
            case "method": method
            case "route": route
            case "status": status
            case "ip": ip
            case "ms": ms
            default: nil
            }
        }
    }

    let key: KeyRowView
    /// SVG markup, rendered unescaped.
    let chart: String
    let requests: [Request]
    let error: String?

    func child(named name: String) -> Any? {
        switch name {
        case "chart": chart
        case "requests": requests
        case "noRequests": requests.isEmpty
        case "error": error
        default: key.child(named: name)
        }
    }
}

/// The page that shows a new or rotated key once (`key-created`). It travels from the POST to that page sealed in the
/// session (`setFlash`), as JSON.
struct KeyCreatedView: DashboardView, Codable {
    let heading: String
    let note: String
    let fullKey: String
    let name: String
    let publicID: String
    let scopes: String
    let curlList: String
    let curlCount: String
    let exportLine: String

    func child(named key: String) -> Any? {
        switch key {
        case "heading": heading
        case "note": note
        case "fullKey": fullKey
        case "name": name
        case "publicID": publicID
        case "scopes": scopes
        case "curlList": curlList
        case "curlCount": curlCount
        case "exportLine": exportLine
        default: nil
        }
    }
}

/// The audit log (`audit`).
struct AuditView: DashboardView {
    struct Entry: DashboardView {
        let time: String
        let event: String
        let actor: String
        let ip: String
        let details: String
        let key: String

        func child(named name: String) -> Any? {
            switch name {
            case "time": time
            case "event": event
            case "actor": actor
            case "ip": ip
            case "details": details
            case "key": key
            default: nil
            }
        }
    }

    let entries: [Entry]

    func child(named key: String) -> Any? {
        switch key {
        case "entries": entries
        case "none": entries.isEmpty
        default: nil
        }
    }
}
