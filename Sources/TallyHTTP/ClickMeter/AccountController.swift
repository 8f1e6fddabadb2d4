import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// `/v2/account`, `/v2/me`, `/v2/account/plan`, `/v2/me/plan` with honest values for a
/// self-hosted server: no price, no billing, limits that only the machine sets.
struct AccountController {
    let profiles: SQLAccountProfileRepository
    let stats: StatsQueries
    let clock: WallClock
    let rebucketer: StatsRebucketer

    /// What clients compare usage against; "unlimited", but a number every client can hold exactly.
    static let unlimited: Int64 = 1_000_000_000

    struct UserWire: ResponseEncodable {
        let email: String
        let companyName: String
        let companyRole: String
        let firstName: String
        let lastName: String
        let phone: String
        let redirectOnly: Bool
        let registrationDate: String
        let timeframeMinDate: String
        let timezone: Int
        let timezonename: String
        let bonusClicks: Int64
        let boGoVal: String
    }

    struct PlanWire: ResponseEncodable {
        let name: String
        let price: Double
        let profileId: Int64
        let recurring: Bool
        let recurringPeriod: Int
        let billingPeriodStart: String
        let billingPeriodEnd: String
        let maximumDatapoints: Int64
        let maximumGuests: Int64
        let monthlyEvents: Int64
        let bonusMonthlyEvents: Int64
        let allowedPersonalDomains: Int
        let allowedPersonalUrls: Int
        let usedDatapoints: Int64
        let usedMonthlyEvents: Int64
    }

    func addRoutes(to api: APIRoutes) {
        for path in ["account", "me"] {
            api.on(.get, path, scope: APIScope(.account, .read)) { _, _, auth in try await user(auth) }
            api.on(.get, "\(path)/plan", scope: APIScope(.account, .read)) { _, _, auth in try await plan(auth) }
        }
        // Only the company name is kept; ClickTally has no use for the other profile fields, so they are ignored.
        api.on(.post, "account", scope: APIScope(.account, .write)) { request, context, auth in
            let body = try await WireBody.read(request, context)
            if let name = try body.string("companyName") {
                let trimmed = name.trimmingSpaces
                guard !trimmed.isEmpty, trimmed.count <= 200 else {
                    throw ValidationError(field: "CompanyName", code: "company_name_invalid", message: "CompanyName must be 1 to 200 characters")
                }
                try await profiles.rename(accountID: auth.accountID, to: trimmed)
            }
            // The time zone decides where each day of the statistics starts; the daily roll-ups are re-bucketed in the
            // background (other accounts' hits keep being written) and the answer comes when they are done.
            if let zone = try body.string("timezonename") ?? body.string("timeZone") {
                try await rebucketer.change(accountID: auth.accountID, to: try Self.zoneName(zone))
            }
            return try await user(auth)
        }
    }

    private func user(_ auth: APIAuth) async throws -> UserWire {
        let profile = try await profiles.profile(accountID: auth.accountID)
        let (name, created, email, zone) = (profile?.name ?? "", profile?.createdAt ?? 0, profile?.email ?? "", profile?.timeZone ?? "UTC")
        // Where the statistics begin: imported history may go back before the account was made here.
        let statisticsBegin = try await stats.accountClock(auth.accountID).createdAt
        return UserWire(
            email: email, companyName: name, companyRole: "", firstName: "", lastName: "", phone: "", redirectOnly: false,
            registrationDate: ClickMeterDate.format(created), timeframeMinDate: ClickMeterDate.format(statisticsBegin),
            timezone: Int(LocalTime(identifier: zone).offset(at: clock.now()) / 3_600_000), timezonename: zone,
            bonusClicks: 0, boGoVal: "")
    }

    private func plan(_ auth: APIAuth) async throws -> PlanWire {
        let (start, end) = Self.currentMonth(now: clock.now())
        let usage = try await profiles.usage(accountID: auth.accountID, since: start)
        return PlanWire(
            name: "ClickTally self-hosted", price: 0, profileId: 0, recurring: false, recurringPeriod: 0,
            billingPeriodStart: ClickMeterDate.format(start), billingPeriodEnd: ClickMeterDate.format(end - 1000),
            maximumDatapoints: Self.unlimited, maximumGuests: Self.unlimited, monthlyEvents: Self.unlimited, bonusMonthlyEvents: 0,
            allowedPersonalDomains: 1000, allowedPersonalUrls: 1000, usedDatapoints: usage.datapoints, usedMonthlyEvents: usage.events)
    }

    /// An IANA name as given, or a number read as the whole hours east of UTC that `GET /account` answers in `timezone`
    /// (ClickMeter's clients sent its own numeric zone; its table of numbers was never published, and the offset is
    /// what this API reports, so a client that writes back what it read keeps its zone). `Etc/GMT` names count west.
    static func zoneName(_ text: String) throws(ValidationError) -> String {
        guard let hours = Int(text.trimmingSpaces) else { return text }
        guard (-12...14).contains(hours) else {
            throw ValidationError(field: "Timezone", code: "time_zone_invalid", message: "a numeric Timezone is whole hours from UTC, -12 to 14")
        }
        return hours == 0 ? "UTC" : "Etc/GMT\(hours > 0 ? "-" : "+")\(abs(hours))"
    }

    /// The current calendar month in UTC, as [start, end) in milliseconds.
    static func currentMonth(now: Int64) -> (Int64, Int64) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(now) / 1000)
        let start = calendar.date(from: calendar.dateComponents([.year, .month], from: date))!
        let end = calendar.date(byAdding: .month, value: 1, to: start)!
        return (Int64(start.timeIntervalSince1970 * 1000), Int64(end.timeIntervalSince1970 * 1000))
    }
}
