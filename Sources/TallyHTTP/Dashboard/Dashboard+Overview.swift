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
            use: signedIn(.editLinks) { visit in
                guard let name = Self.groupName(visit.form) else {
                    return try await groupsPage(visit, error: Self.groupNameRule, status: .badRequest)
                }
                _ = try await services.groups.create(accountID: visit.session.accountID, name: name)
                return DashboardHTML.seeOther("/dashboard/groups")
            })
        dashboard.post(
            "groups/:id/rename",
            use: signedIn(.editLinks) { visit in
                var group = try await ownGroup(visit)
                guard let name = Self.groupName(visit.form) else {
                    return try await groupsPage(visit, error: Self.groupNameRule, status: .badRequest)
                }
                group.name = name
                _ = try await services.groups.save(group)
                return DashboardHTML.seeOther("/dashboard/groups")
            })
        dashboard.post(
            "groups/:id/delete",
            use: signedIn(.editLinks) { visit in
                var group = try await ownGroup(visit)
                guard visit.form["confirm"] == "yes" else {
                    return try await groupsPage(visit, error: "Tick the box to delete the campaign (its links stay).", status: .badRequest)
                }
                group.isDeleted = true
                _ = try await services.groups.save(group)
                return DashboardHTML.seeOther("/dashboard/groups")
            })
        dashboard.post(
            "tags/:id/rename",
            use: signedIn(.editLinks) { visit in
                let tag = try await ownTag(visit)
                do {
                    try await services.tags.rename(tag, to: visit.form.trimmed("name"))
                } catch let error as ValidationError {
                    return try await groupsPage(visit, error: error.message, status: .badRequest)
                }
                return DashboardHTML.seeOther("/dashboard/groups#tags")
            })
        dashboard.post(
            "tags/:id/delete",
            use: signedIn(.editLinks) { visit in
                try await services.tags.delete(try await ownTag(visit))
                return DashboardHTML.seeOther("/dashboard/groups#tags")
            })
    }

    func overviewPage(_ visit: Visit) async throws -> Response {
        let accountID = visit.session.accountID
        let account = SQLStatsRepository.Scope(.account, [accountID])
        let (time, _) = try await services.stats.accountClock(accountID)
        let now = services.clock.now()
        let today = time.day(of: now)
        // One read of the last 30 days serves the chart and the today / 7 / 30-day figures.
        let (chart, _, days) = try await trafficChart(account, time: time, days: 30, byHour: false)
        let periods = [("Today", 1), ("7 days", 7), ("30 days", 30)].map { label, count in
            var total = StatsCounts()
            for counts in days.suffix(count) { total.add(counts) }
            return OverviewView.Period(
                label: label, clicks: DashboardFormat.number(total.clicks), views: DashboardFormat.number(total.views),
                unique: DashboardFormat.number(total.uniqueHits), bots: DashboardFormat.number(total.spiders))
        }
        // The ten busiest links of 30 days, ranked in SQL (an account may hold a million).
        let live = DatapointQuery(accountID: accountID, statuses: [.active, .paused])
        let from = time.start(ofDay: today - 29)
        let ranking = try await services.stats.ranking(
            live, order: .figure(.totalHits), descending: true, from: from, to: now + 1, PageWindow(offset: 0, limit: 10))
        let top = ranking.rows.filter { $0.counts.hits > 0 }
        let view = OverviewView(
            periods: periods, chart: chart, noLinks: ranking.total == 0,
            top: top.map { datapoint, counts in
                OverviewView.TopLink(
                    id: datapoint.id, name: datapoint.name, title: datapoint.title, hits: DashboardFormat.number(counts.hits),
                    unique: DashboardFormat.number(counts.uniqueHits))
            })
        return html.page("overview", title: "Overview", view, session: visit.session, section: "overview")
    }

    static let groupNameRule = "A campaign needs a name of 1 to 200 characters."

    static func groupName(_ form: DashboardForm) -> String? {
        let name = form.trimmed("name")
        return (1...200).contains(name.count) ? name : nil
    }

    func ownGroup(_ visit: Visit) async throws -> LinkGroup {
        guard let id = visit.context.parameters.get("id", as: Int64.self),
            let group = try await services.groups.owned(id, accountID: visit.session.accountID, includeDeleted: false)
        else { throw HTTPError(.notFound) }
        return group
    }

    func ownTag(_ visit: Visit) async throws -> TagService.Tag {
        guard let id = visit.context.parameters.get("id", as: Int64.self),
            let tag = try await services.tags.owned(id, accountID: visit.session.accountID)
        else { throw HTTPError(.notFound) }
        return tag
    }

    /// Campaigns shown a page: an agency's thousand campaigns, each row with two forms, rendered as one page of 1 MB
    /// in 73 ms on the million-link set.
    static let groupsPerPage = 50

    func groupsPage(_ visit: Visit, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let accountID = visit.session.accountID
        // Bounded so the offset cannot overflow; past the end the page is simply empty.
        let page = min(max(1, Int(visit.query["page"] ?? "") ?? 1), 10_000_000)
        let listed = NamedListQuery(accountID: accountID)
        async let totalRead = services.groups.count(listed)
        let groups = try await services.groups.page(listed, PageWindow(offset: (page - 1) * Self.groupsPerPage, limit: Self.groupsPerPage))
        let now = services.clock.now()
        // Per group of the page, in SQL: the live links (from the counters) and the group's hits of 30 days, which are
        // those of every link it holds whatever its status, as the API's group figures (read from the groups' own roll-ups).
        var members = DatapointQuery(accountID: accountID)
        members.groupIDs = Set(groups.map(\.id))
        var live = members
        live.statuses = [.active, .paused]
        let linkCounts = try await services.datapointQueries.countsPerGroup(live)
        let perGroup = try await services.stats.perGroup(members, from: now - 30 * 86_400_000, to: now + 1)
        let tags = try await services.tags.names(accountID: accountID)
        let total = try await totalRead
        let view = GroupsView(
            groups: groups.map { group in
                GroupsView.Group(
                    id: group.id, name: group.name, links: linkCounts[group.id] ?? 0, hits: DashboardFormat.number(perGroup[group.id]?.hits ?? 0))
            },
            tags: tags.map { DashboardChoice(id: $0.id, name: $0.name, selected: false) }, error: error,
            previous: page > 1 ? "/dashboard/groups?page=\(page - 1)" : nil,
            next: page * Self.groupsPerPage < total ? "/dashboard/groups?page=\(page + 1)" : nil)
        return html.page("groups", title: "Campaigns", view, session: visit.session, section: "groups", status: status)
    }
}
