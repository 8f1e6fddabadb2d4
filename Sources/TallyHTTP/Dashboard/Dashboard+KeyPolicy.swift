import Hummingbird
import TallyCore
import TallyStorage

extension DashboardController {
    /// The key policy's form and enabling a key the policy disabled, through the same services as the API.
    func addKeyPolicyRoutes(to dashboard: RouterGroup<TallyRequestContext>) {
        dashboard.post(
            "keys/policy",
            use: signedIn(.manageKeys) { visit in
                let form = visit.form
                do {
                    func days(_ name: String) throws(ValidationError) -> Int? {
                        let text = form.trimmed(name)
                        guard !text.isEmpty else { return nil }
                        guard let value = Int(text) else {
                            throw ValidationError(field: name, code: "policy_invalid", message: "\(name) must be a number of days")
                        }
                        return value
                    }
                    let warnings = try form.trimmed("warningDays").split(separator: ",").map { text throws(ValidationError) in
                        guard let value = Int(text.filter { $0 != " " }) else {
                            throw ValidationError(field: "warningDays", code: "policy_invalid", message: "warnings are days, comma-separated")
                        }
                        return value
                    }
                    let policy = KeyPolicy(
                        maxAgeDays: try days("maxAgeDays"), warningDays: warnings, expireAtMaxAge: form["expireAtMaxAge"] == "yes",
                        staleDays: try days("staleDays"), disableStale: form["disableStale"] == "yes")
                    try await services.keys.authorizeAccountWide(accountID: visit.session.accountID, by: actor(visit))
                    try await services.accounts.setKeyPolicy(policy, accountID: visit.session.accountID)
                } catch let error as ValidationError {
                    return try await keysPage(visit, error: error.message, status: .badRequest)
                } catch let refusal as KeyAuthorityRefusal {
                    return try await keysPage(visit, error: Self.refusalText(refusal, visit), status: .forbidden)
                }
                return DashboardHTML.seeOther("/dashboard/keys?policy=saved#policy")
            })
        dashboard.post(
            "keys/:id/enable",
            use: signedIn(.manageKeys) { visit in
                let key = try await ownKey(visit)
                do {
                    let enabled = try await services.keys.enable(publicID: key.publicID, accountID: visit.session.accountID, by: actor(visit))
                    services.verifier.invalidate(publicID: enabled.publicID)
                } catch KeyError.notDisabled {
                    return DashboardHTML.seeOther("/dashboard/keys/\(key.publicID)")
                } catch let refusal as KeyAuthorityRefusal {
                    return try await keyPage(visit, error: Self.refusalText(refusal, visit), status: .forbidden)
                }
                return DashboardHTML.seeOther("/dashboard/keys/\(key.publicID)")
            })
    }
}
