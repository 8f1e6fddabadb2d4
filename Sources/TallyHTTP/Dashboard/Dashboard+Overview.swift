import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

extension DashboardController {
    func addOverviewRoutes(to dashboard: RouterGroup<TallyRequestContext>) {
        dashboard.get(use: signedIn { visit in try await overviewPage(visit) })
        dashboard.get("groups", use: signedIn { visit in try await groupsPage(visit) })
        dashboard.post(
            "groups",
            use: signedIn { visit in
                let name = visit.form.trimmed("name")
                guard (1...200).contains(name.count) else {
                    return try await groupsPage(visit, error: "A campaign needs a name of 1 to 200 characters.", status: .badRequest)
                }
                _ = try await services.groups.create(
                    accountID: visit.session.accountID, name: name, notes: "", isFavourite: false, now: services.clock.now())
                return DashboardHTML.seeOther("/dashboard/groups")
            })
    }

    func overviewPage(_ visit: Visit) async throws -> Response {
        let accountID = visit.session.accountID
        let account = SQLStatsRepository.Scope(.account, [accountID])
        let (time, _) = try await services.stats.accountClock(accountID)
        let now = services.clock.now()
        let today = time.day(of: now)
        var periods: [[String: Any]] = []
        for (label, days) in [("Today", Int64(1)), ("7 days", 7), ("30 days", 30)] {
            var total = StatsCounts()
            for (_, counts) in try await services.stats.daily(account, from: time.start(ofDay: today - days + 1), to: now + 1, time: time) {
                total.add(counts)
            }
            periods.append([
                "label": label, "clicks": DashboardFormat.number(total.clicks), "views": DashboardFormat.number(total.views),
                "unique": DashboardFormat.number(total.uniqueHits), "bots": DashboardFormat.number(total.spiders),
            ])
        }
        let (chart, _) = try await trafficChart(account, accountID: accountID, days: 30, byHour: false)
        let links = try await services.datapointRepository.list(accountID: accountID, statuses: [.active, .paused])
        let perLink = try await services.stats.perEntity(.init(.datapoint, links.map(\.id)), from: time.start(ofDay: today - 29), to: now + 1)
        let top = links.filter { (perLink[$0.id]?.hits ?? 0) > 0 }.sorted { (perLink[$0.id]?.hits ?? 0) > (perLink[$1.id]?.hits ?? 0) }.prefix(10)
        let values: [String: Any] = [
            "periods": periods, "chart": chart, "noLinks": links.isEmpty,
            "top": top.map { datapoint in
                [
                    "id": datapoint.id, "name": datapoint.name, "title": datapoint.title,
                    "hits": DashboardFormat.number(perLink[datapoint.id]?.hits ?? 0),
                    "unique": DashboardFormat.number(perLink[datapoint.id]?.uniqueHits ?? 0),
                ] as [String: Any]
            },
            "noTop": top.isEmpty,
        ]
        return html.page("overview", title: "Overview", values, session: visit.session, section: "overview")
    }

    func groupsPage(_ visit: Visit, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let accountID = visit.session.accountID
        let groups = try await services.groups.list(accountID: accountID, includeDeleted: false)
        let links = try await services.datapointRepository.list(accountID: accountID, statuses: [.active, .paused])
        let now = services.clock.now()
        let perLink = try await services.stats.perEntity(.init(.datapoint, links.map(\.id)), from: now - 30 * 86_400_000, to: now + 1)
        let tags = try await services.tags.list(accountID: accountID)
        var values: [String: Any] = [
            "groups": groups.map { group in
                let members = links.filter { $0.groupID == group.id }
                return [
                    "id": group.id, "name": group.name, "links": members.count,
                    "hits": DashboardFormat.number(members.reduce(0) { $0 + (perLink[$1.id]?.hits ?? 0) }),
                ] as [String: Any]
            },
            "none": groups.isEmpty, "tags": tags.map { ["id": $0.id, "name": $0.name] as [String: Any] }, "noTags": tags.isEmpty,
        ]
        if let error { values["error"] = error }
        return html.page("groups", title: "Campaigns", values, session: visit.session, section: "groups", status: status)
    }
}
