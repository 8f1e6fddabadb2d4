import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

extension DashboardController {
    static let linksPerPage = 50
    static let searchCountLimit = 1_000

    func addLinkRoutes(to dashboard: RouterGroup<TallyRequestContext>) {
        dashboard.get("links", use: signedIn { visit in try await linksPage(visit) })
        dashboard.get(
            "links/new", use: signedIn { visit in try await linkForm(visit, fields: .init()) })
        dashboard.post("links", use: signedIn(.editLinks) { visit in try await saveLink(visit, existing: nil) })
        dashboard.get("links/:id", use: signedIn { visit in try await linkPage(visit) })
        dashboard.get(
            "links/:id/edit",
            use: signedIn { visit in
                let datapoint = try await ownDatapoint(visit)
                return try await linkForm(visit, fields: try await Self.formFields(datapoint, tags: services.tags), editing: datapoint)
            })
        dashboard.post("links/:id", use: signedIn(.editLinks) { visit in try await saveLink(visit, existing: try await ownDatapoint(visit)) })
        for (action, status) in [("pause", DatapointStatus.paused), ("resume", .active), ("delete", .deleted)] {
            dashboard.post(
                "links/:id/\(action)",
                use: signedIn(.editLinks) { visit in
                    let datapoint = try await ownDatapoint(visit)
                    _ = try await services.datapoints.setStatus(id: datapoint.id, to: status)
                    return DashboardHTML.seeOther(
                        status == .deleted ? "/dashboard/links?deleted=\(datapoint.name)" : "/dashboard/links/\(datapoint.id)")
                })
        }
        dashboard.get(
            "links/:id/qr.svg",
            use: signedIn { visit in
                let datapoint = try await ownDatapoint(visit)
                let svg = try QRCode(text: trackingURL(datapoint)).svg(label: "QR code for \(trackingURL(datapoint))", pixelsPerModule: 6)
                return DashboardAssets.response(svg, type: "image/svg+xml", cache: false)
            })
        addLiveRoute(to: dashboard)
    }

    func ownDatapoint(_ visit: Visit) async throws -> Datapoint {
        guard let id = visit.context.parameters.get("id", as: Int64.self), let datapoint = try await services.datapointQueries.find(id: id),
            datapoint.accountID == visit.session.accountID, datapoint.status != .deleted
        else { throw HTTPError(.notFound) }
        return datapoint
    }

    func trackingURL(_ datapoint: Datapoint) -> String {
        let domain = services.domains.domain(id: datapoint.domainID) ?? services.domains.systemDomain
        return TrackingCode.url(publicURL: services.publicURL, domain: domain, name: datapoint.name)
    }

    func linksPage(_ visit: Visit) async throws -> Response {
        let query = visit.query
        let accountID = visit.session.accountID
        // The API's query: the same filters, the same text search (name, title, notes, destination), paged in SQL.
        // Newest first by id: the order of the id index, which the text index shares (a common word stays quick).
        var chosen = DatapointQuery(accountID: accountID, statuses: [.active, .paused, .abuse], sort: .id, descending: true)
        let search = query.trimmed("q")
        if !search.isEmpty { chosen.text = search }
        if let status = DatapointStatus.allCases.first(where: { $0.name == query["status"] }), status != .deleted { chosen.statuses = [status] }
        if let type = query["type"], type == "tl" || type == "tp" { chosen.type = type == "tl" ? .trackingLink : .trackingPixel }
        chosen.groupID = Int64(query["group"] ?? "")
        chosen.tagID = Int64(query["tag"] ?? "")
        // Bounded so the offset cannot overflow; past the end the page is simply empty.
        let page = min(max(1, Int(query["page"] ?? "") ?? 1), 10_000_000)
        // The reads that do not depend on the page run beside it (each is a round trip to PostgreSQL or a reader thread).
        async let groupsRead = services.groups.names(accountID: accountID)
        async let tagsRead = services.tags.names(accountID: accountID)
        // A search counts up to `searchCountLimit` ("1,000+", as GitHub's searches do): counting every match of a
        // common word is most of a search's cost on a million links (PostgreSQL tests each row's text: 10,000 matches
        // of "spring" took 40 ms to count, 1,000 take 4), and a search shown 50 a page is not paged that far. The
        // count's read of the matches is paged too, so a page among them is not a second walk through the text
        // (PostgreSQL, "spring" on a million links: 36 -> 12–20 ms in SQL, 23.8 -> 16.2 ms for the page).
        let window = PageWindow(offset: (page - 1) * Self.linksPerPage, limit: Self.linksPerPage)
        let counted: Int
        var pageIDs: [Int64]? = nil
        if search.isEmpty {
            counted = try await services.datapointQueries.count(chosen)
        } else {
            (counted, pageIDs) = try await services.datapointQueries.count(chosen, upTo: Self.searchCountLimit + 1, page: window)
        }
        let exact = search.isEmpty || counted <= Self.searchCountLimit
        let total = exact ? counted : Self.searchCountLimit
        // Past the end there is nothing to read (an OFFSET beyond the last row walks every row to find that out).
        let shown =
            if let pageIDs {
                try await services.datapointQueries.find(orderedIDs: pageIDs)
            } else if !exact || window.offset < total {
                try await services.datapointQueries.page(chosen, window)
            } else {
                [Datapoint]()
            }
        let now = services.clock.now()
        async let tagsByLinkRead = services.tags.tags(ofDatapoints: shown.map(\.id))
        async let countsRead = services.stats.perEntity(.init(.datapoint, shown.map(\.id)), from: now - 30 * 86_400_000, to: now + 1)
        let (tagsByLink, counts, groups, tags) = try await (tagsByLinkRead, countsRead, groupsRead, tagsRead)
        let groupNames = Dictionary(groups.map { ($0.id, $0.name) }) { $1 }
        var base = query.pairs.filter { $0.0 != "page" }.map { "\($0.0)=\(DashboardForm.encode($0.1))" }.joined(separator: "&")
        base = base.isEmpty ? "?" : "?\(base)&"
        let hasNext = exact ? page * Self.linksPerPage < total : shown.count == Self.linksPerPage
        let view = LinksView(
            links: shown.map { datapoint in
                LinksView.Row(
                    id: datapoint.id, name: datapoint.name, title: datapoint.title, url: trackingURL(datapoint),
                    destination: datapoint.destinationURL ?? "(pixel)", status: datapoint.status.name,
                    type: datapoint.type == .trackingLink ? "link" : "pixel", group: datapoint.groupID.flatMap { groupNames[$0] } ?? "",
                    tags: (tagsByLink[datapoint.id] ?? []).map(\.name).joined(separator: ", "),
                    hits: DashboardFormat.number(counts[datapoint.id]?.hits ?? 0))
            },
            total: exact ? DashboardFormat.number(Int64(total)) : "\(DashboardFormat.number(Int64(total)))+", q: search,
            groups: groups.map { DashboardChoice(id: $0.id, name: $0.name, selected: String($0.id) == query["group"]) },
            tags: tags.map { DashboardChoice(id: $0.id, name: $0.name, selected: String($0.id) == query["tag"]) },
            status: query["status"] ?? "any", type: query["type"] ?? "any", page: page,
            previous: page > 1 ? "/dashboard/links\(base)page=\(page - 1)" : nil,
            next: hasNext ? "/dashboard/links\(base)page=\(page + 1)" : nil,
            notice: query["deleted"].map { "Deleted \($0)." })
        return html.page("links", title: "Links", view, session: visit.session, section: "links")
    }
}
