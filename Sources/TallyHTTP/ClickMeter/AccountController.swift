import Foundation
import Hummingbird
import SQLKit
import TallyCore
import TallyStorage

/// `/v2/account`, `/v2/me`, `/v2/account/plan`, `/v2/me/plan` with honest values for a
/// self-hosted server: no price, no billing, limits that only the machine sets.
struct AccountController {
    let database: any TallyDatabase
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
                try await database.transaction { db in
                    try await db.update("accounts").set("name", to: trimmed).where("id", .equal, auth.accountID).run()
                }
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
        let (name, created, email, zone) = try await database.read { db in
            let account = try await db.select().columns("name", "created_at", "time_zone").from("accounts").where("id", .equal, auth.accountID)
                .first()
            let email = try await db.select().column("email").from("users").where("account_id", .equal, auth.accountID).orderBy("id").limit(1)
                .first(decodingColumn: "email", as: String.self)
            return (
                try account?.decode(column: "name", as: String.self) ?? "", try account?.decode(column: "created_at", as: Int64.self) ?? 0,
                email ?? "", try account?.decode(column: "time_zone", as: String.self) ?? "UTC"
            )
        }
        // Where the statistics begin: imported history may go back before the account was made here.
        let statisticsBegin = try await SQLStatsRepository(database: database).accountClock(auth.accountID).createdAt
        return UserWire(
            email: email, companyName: name, companyRole: "", firstName: "", lastName: "", phone: "", redirectOnly: false,
            registrationDate: ClickMeterDate.format(created), timeframeMinDate: ClickMeterDate.format(statisticsBegin),
            timezone: Int(LocalTime(identifier: zone).offset(at: clock.now()) / 3_600_000), timezonename: zone,
            bonusClicks: 0, boGoVal: "")
    }

    private func plan(_ auth: APIAuth) async throws -> PlanWire {
        let (start, end) = Self.currentMonth(now: clock.now())
        // SUM of BIGINT is NUMERIC on PostgreSQL: cast back, so both engines decode the same Int64.
        let (datapoints, events) = try await database.read { db in
            let datapoints = try await db.raw(
                "SELECT COUNT(*) AS n FROM datapoints WHERE account_id = \(bind: auth.accountID) AND status <> \(bind: DatapointStatus.deleted.rawValue)"
            ).first(decodingColumn: "n", as: Int64.self)
            let events = try await db.raw(
                """
                SELECT CAST(COALESCE(SUM(clicks + views), 0) AS BIGINT) AS n FROM stats_hourly \
                WHERE entity_kind = \(bind: StatsEntity.account.rawValue) AND entity_id = \(bind: auth.accountID) AND hour_ms >= \(bind: start)
                """
            ).first(decodingColumn: "n", as: Int64.self)
            return (datapoints ?? 0, events ?? 0)
        }
        return PlanWire(
            name: "ClickTally self-hosted", price: 0, profileId: 0, recurring: false, recurringPeriod: 0,
            billingPeriodStart: ClickMeterDate.format(start), billingPeriodEnd: ClickMeterDate.format(end - 1000),
            maximumDatapoints: Self.unlimited, maximumGuests: Self.unlimited, monthlyEvents: Self.unlimited, bonusMonthlyEvents: 0,
            allowedPersonalDomains: 1000, allowedPersonalUrls: 1000, usedDatapoints: datapoints, usedMonthlyEvents: events)
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
