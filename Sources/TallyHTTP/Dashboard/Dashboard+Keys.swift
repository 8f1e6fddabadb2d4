import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

extension DashboardController {
    func addKeyRoutes(to dashboard: RouterGroup<TallyRequestContext>) {
        dashboard.get("keys", use: signedIn { visit in try await keysPage(visit) })
        addKeyPolicyRoutes(to: dashboard)
        dashboard.post(
            "keys",
            use: signedIn(.manageKeys, sudo: .when("Creating a key that can manage keys", { Self.createsPowerfulKey($0.form) })) { visit in
                try await createKey(visit)
            })
        dashboard.get(
            "keys/shown",
            use: signedIn { visit in
                // The full key travels from the POST to this page sealed in the session, and is erased by this read.
                guard let text = try await services.sessions.takeFlash(token: visit.token),
                    let view = try? JSONDecoder().decode(KeyCreatedView.self, from: Data(text.utf8))
                else { return DashboardHTML.seeOther("/dashboard/keys?gone=1") }
                return html.page("key-created", title: view.heading, view, session: visit.session, section: "keys")
            })
        dashboard.get("keys/:id", use: signedIn { visit in try await keyPage(visit) })
        dashboard.post(
            "keys/:id/rotate",
            use: signedIn(.manageKeys, sudo: .when("Rotating a key someone else made", { try await !ownKeyAction($0) })) { visit in
                let key = try await ownKey(visit)
                guard let hours = Int64(visit.form["grace"] ?? ""), (0...720).contains(hours) else {
                    return try await keyPage(visit, error: "Choose a grace period.", status: .badRequest)
                }
                let rotated: APIKey
                let fullKey: String
                do {
                    (rotated, fullKey) = try await services.keys.rotate(
                        publicID: key.publicID, accountID: visit.session.accountID, graceMilliseconds: hours * 3_600_000, by: actor(visit))
                } catch KeyError.notActive {
                    return try await keyPage(visit, error: "Only an active key can be rotated.", status: .conflict)
                } catch let refusal as KeyAuthorityRefusal {
                    return try await keyPage(visit, error: Self.refusalText(refusal, visit), status: .forbidden)
                }
                services.verifier.invalidate(publicID: rotated.publicID)
                let note = hours == 0 ? "The old secret stopped working now." : "The old secret keeps working for \(hours) hours, then stops."
                return try await shownOnce(visit, key: rotated, fullKey: fullKey, heading: "Key rotated", note: note)
            })
        dashboard.post(
            "keys/:id/revoke",
            use: signedIn(.manageKeys, sudo: .when("Revoking a key someone else made", { try await !ownKeyAction($0) })) { visit in
                let key = try await ownKey(visit)
                guard visit.form["confirm"] == "yes" else {
                    return try await keyPage(visit, error: "Tick the box to confirm: a revoked key stops working at once.", status: .badRequest)
                }
                let revoked: APIKey
                do {
                    revoked = try await services.keys.revoke(publicID: key.publicID, accountID: visit.session.accountID, by: actor(visit))
                } catch KeyError.notActive {
                    return DashboardHTML.seeOther("/dashboard/keys/\(key.publicID)")
                } catch let refusal as KeyAuthorityRefusal {
                    return try await keyPage(visit, error: Self.refusalText(refusal, visit), status: .forbidden)
                }
                services.verifier.invalidate(publicID: revoked.publicID)
                return DashboardHTML.seeOther("/dashboard/keys?revoked=" + revoked.publicID)
            })
        dashboard.post(
            "alerts/:id/acknowledge",
            use: signedIn(.manageKeys) { visit in
                if let id = visit.context.parameters.get("id", as: Int64.self) {
                    _ = try await services.keyActivity.acknowledge(alertID: id, accountID: visit.session.accountID)
                }
                return DashboardHTML.seeOther("/dashboard/keys#alerts")
            })
        dashboard.get(
            "audit",
            use: signedIn { visit in
                let entries = try await services.keyActivity.audit(accountID: visit.session.accountID, limit: 200).map { entry in
                    AuditView.Entry(
                        time: DashboardFormat.time(entry.createdAt), event: entry.event, actor: entry.actor, ip: entry.clientIP,
                        details: entry.details, key: entry.keyID.map(String.init) ?? "")
                }
                return html.page("audit", title: "Audit log", AuditView(entries: entries), session: visit.session, section: "keys")
            })
    }

    /// The signed-in person, bounded by their role: a member manages only keys without key management.
    func actor(_ visit: Visit) -> KeyService.Actor {
        KeyService.Actor(
            name: "dashboard:\(visit.session.email)", clientIP: visit.clientIP, bounds: visit.session.role.keyBounds,
            mayManageKeys: visit.session.role.allows(.manageKeys))
    }

    static func refusalText(_ refusal: KeyAuthorityRefusal, _ visit: Visit) -> String {
        "Your role (\(visit.session.role.label)) cannot do this: \(refusal.message)."
    }

    /// An admin key, or one that may manage keys: its creation needs a fresh confirmation.
    static func createsPowerfulKey(_ form: DashboardForm) -> Bool {
        if form["preset"] == "admin" { return true }
        if form["preset"] == "custom" || form["preset"] == nil { return form.all("scope").contains("keys:write") }
        return false
    }

    /// Whether the key of this page was made by this person in the dashboard (then no confirmation is needed).
    func ownKeyAction(_ visit: Visit) async throws -> Bool {
        guard let key = try? await ownKey(visit) else { return true }
        return key.createdBy == "dashboard:\(visit.session.email)"
    }

    func ownKey(_ visit: Visit) async throws -> APIKey {
        guard let id = visit.context.parameters.get("id") else { throw HTTPError(.notFound) }
        do {
            return try await services.keys.key(publicID: id, accountID: visit.session.accountID)
        } catch is KeyError {
            throw HTTPError(.notFound)
        }
    }

    func keysPage(_ visit: Visit, echo: KeysView.Echo = .init(), error: String? = nil, status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        let now = services.clock.now()
        let keys = try await services.keys.list(accountID: visit.session.accountID)
        let groups = try await services.groups.list(accountID: visit.session.accountID)
        let alerts = try await services.keyActivity.alerts(accountID: visit.session.accountID, limit: 50)
        let policy = try await services.accounts.keyPolicy(accountID: visit.session.accountID)
        var view = KeysView(
            keys: keys.map { KeyRowView($0, now: now, policy: policy) },
            groups: groups.map { DashboardChoice(id: $0.id, name: $0.name, selected: false) },
            alerts: alerts.map { alert in
                KeysView.Alert(
                    id: alert.id, kind: alert.kind.rawValue, message: alert.message, ip: alert.clientIP, time: DashboardFormat.time(alert.createdAt),
                    open: alert.acknowledgedAt == nil)
            },
            echo: echo, error: error, policy: policy)
        if let revoked = visit.query["revoked"] { view.notice = "Key \(revoked) is revoked: it stopped working at once." }
        if visit.query["gone"] != nil { view.notice = "That key was shown once and is not shown again. If you did not store it, rotate it." }
        if visit.query["policy"] != nil { view.notice = "The key policy is saved." }
        return html.page("keys", title: "API keys", view, session: visit.session, section: "keys", status: status)
    }

    func createKey(_ visit: Visit) async throws -> Response {
        let form = visit.form
        let echo = KeysView.Echo(name: form.trimmed("name"), days: form.trimmed("expiresInDays"), networks: form.trimmed("networks"))
        do {
            let scopes: APIScopeSet
            if let preset = APIScopeSet.presets.first(where: { $0.name == form["preset"] }) {
                scopes = preset.scopes
            } else {
                let chosen = form.all("scope").compactMap { APIScope($0) }
                guard !chosen.isEmpty else {
                    throw ValidationError(field: "scopes", code: "scopes_empty", message: "choose a preset or at least one scope")
                }
                scopes = APIScopeSet(chosen)
            }
            var new = KeyService.NewKey(name: form.trimmed("name"), scopes: scopes)
            new.groupIDs = form.all("group").compactMap { Int64($0) }
            new.allowedNetworks = try IPNetwork.parseList(form.trimmed("networks"))
            let days = form.trimmed("expiresInDays")
            if !days.isEmpty {
                guard let count = Int64(days), (1...3650).contains(count) else {
                    throw ValidationError(field: "expiresInDays", code: "expiry_invalid", message: "expiry must be 1 to 3650 days, or empty for none")
                }
                new.expiresAt = services.clock.now() + count * 86_400_000
            }
            let (key, fullKey) = try await services.keys.create(new, accountID: visit.session.accountID, by: actor(visit))
            return try await shownOnce(visit, key: key, fullKey: fullKey, heading: "Key created", note: "")
        } catch let error as ValidationError {
            return try await keysPage(visit, echo: echo, error: error.message, status: .badRequest)
        } catch let refusal as KeyAuthorityRefusal {
            return try await keysPage(visit, echo: echo, error: Self.refusalText(refusal, visit), status: .forbidden)
        }
    }

    /// Seals the full key into the session and sends the browser to the one page that shows it (so a reload
    /// neither resends the form nor shows the key again).
    func shownOnce(_ visit: Visit, key: APIKey, fullKey: String, heading: String, note: String) async throws -> Response {
        let base = services.publicURL.hasSuffix("/") ? String(services.publicURL.dropLast()) : services.publicURL
        let view = KeyCreatedView(
            heading: heading, note: note, fullKey: fullKey, name: key.name, publicID: key.publicID, scopes: key.scopes.description,
            curlList: "curl -H \"X-ClickMeter-API-Key: $CLICKTALLY_KEY\" \(base)/v2/datapoints",
            curlCount: "curl -H \"X-ClickMeter-API-Key: $CLICKTALLY_KEY\" \(base)/v2/datapoints/count",
            exportLine: "export CLICKTALLY_KEY='<paste the key here>'")
        let text = String(decoding: try JSONEncoder().encode(view), as: UTF8.self)
        try await services.sessions.setFlash(token: visit.token, text)
        return DashboardHTML.seeOther("/dashboard/keys/shown")
    }

    func keyPage(_ visit: Visit, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let key = try await ownKey(visit)
        let now = services.clock.now()
        let from = now - now % 3_600_000 - 23 * 3_600_000
        var perHour = [Int64: (ok: Int, failed: Int)]()
        for row in try await services.keyActivity.usage(of: key, from: from, to: now + 1, bucketMilliseconds: 3_600_000) {
            var entry = perHour[row.bucketStart] ?? (0, 0)
            if row.statusClass == "2xx" || row.statusClass == "3xx" { entry.ok += row.count } else { entry.failed += row.count }
            perHour[row.bucketStart] = entry
        }
        let hours = (0..<24).map { from + Int64($0) * 3_600_000 }
        let chart = SVGChart(
            title: "Requests per hour, last 24 hours (UTC)", labels: hours.map { DashboardFormat.hour($0) },
            series: [
                .init(name: "Succeeded", values: hours.map { Double(perHour[$0]?.ok ?? 0) }, colour: .primary),
                .init(name: "Refused or failed", values: hours.map { Double(perHour[$0]?.failed ?? 0) }, colour: .warning),
            ], style: .bars
        ).svg()
        let requests = try await services.keyActivity.requests(of: key, before: nil, limit: 50).map { row in
            KeyView.Request(
                time: DashboardFormat.time(row.record.time), method: row.record.method, route: row.record.route, status: row.record.status,
                ip: row.record.clientIP, ms: String(format: "%.1f", Double(row.record.latencyMicroseconds) / 1000))
        }
        let policy = try await services.accounts.keyPolicy(accountID: visit.session.accountID)
        let view = KeyView(key: KeyRowView(key, now: now, policy: policy), chart: chart, requests: requests, error: error)
        return html.page("key", title: "Key \(key.name)", view, session: visit.session, section: "keys", status: status)
    }
}
