import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

extension DashboardController {
    func linkPage(_ visit: Visit) async throws -> Response {
        let datapoint = try await ownDatapoint(visit)
        let accountID = visit.session.accountID
        let scope = SQLStatsRepository.Scope(.datapoint, [datapoint.id])
        let byHour = visit.query["by"] == "hour"
        let days = Int64(visit.query["days"] ?? "").flatMap { [7, 30, 90].contains($0) ? $0 : nil } ?? 30
        let (time, _) = try await services.stats.accountClock(accountID)
        let (chart, total, _) = try await trafficChart(scope, time: time, days: days, byHour: byHour)
        var breakdowns: [BreakdownView] = []
        for (dimension, title) in [
            (StatsDimension.country, "Countries"), (.browserFamily, "Browsers"), (.osFamily, "Operating systems"), (.device, "Devices"),
            (.referrer, "Referrers"), (.language, "Languages"),
        ] {
            breakdowns.append(try await breakdown(scope, dimension, title: title, time: time, days: byHour ? 2 : days))
        }
        let now = services.clock.now()
        let recent = try await services.hits.page(
            .datapoints([datapoint.id]), from: 0, to: now + 1, filter: nil, after: nil, limit: 20)
        let url = trackingURL(datapoint)
        let view = LinkView(
            datapoint: datapoint, url: url, chart: chart, qr: (try? QRCode(text: url))?.svg(label: "QR code for \(url)") ?? "", total: total,
            period: byHour ? "last 48 hours" : "last \(days) days", breakdowns: breakdowns, hits: recent.map(HitRowView.init),
            latest: try await services.hits.latestID(), byHour: byHour, days: days)
        return html.page("link", title: datapoint.name, view, session: visit.session, section: "links")
    }

    /// The link page's live clickstream: Server-Sent Events of this link's new hits, behind the session like the
    /// page itself; ends after 10 minutes (the browser's EventSource reconnects with `Last-Event-ID`).
    func addLiveRoute(to dashboard: RouterGroup<TallyRequestContext>) {
        dashboard.get(
            "links/:id/live",
            use: signedIn { visit in
                let datapoint = try await ownDatapoint(visit)
                let stream = LiveHitStream(
                    hits: services.hits, accountID: visit.session.accountID, timer: services.timers.streams)
                let seconds = min(max(Int(visit.query["maxSeconds"] ?? "") ?? 600, 1), 600)
                let start = try await stream.start(visit.request, since: Int64(visit.query["since"] ?? ""))
                let holder = "session " + SignInSecrets.hash(visit.token)
                guard services.streams.acquire(holder) else {
                    return html.page(
                        "message", title: "Too many live views",
                        MessageView(heading: "Too many live views", text: "This session has 5 live views open already: close one."),
                        session: visit.session, status: .tooManyRequests)
                }
                let (sessions, clock, token) = (services.sessions, services.clock, visit.token)
                // Signed out (or the session ended elsewhere): the stream stops within a second.
                let body = stream.body(
                    after: start, lasting: .seconds(seconds), slot: (services.streams, holder),
                    stillAllowed: { try await sessions.find(token: token, now: clock.now()) != nil }
                ) { batch in
                    try batch.filter { $0.datapointID == datapoint.id }.map { hit in
                        let row = HitRowView(hit).eventFields
                        return (hit.id, String(decoding: try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys]), as: UTF8.self))
                    }
                }
                var headers = DashboardHTML.headers(contentType: "text/event-stream; charset=utf-8")
                headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
                return Response(status: .ok, headers: headers, body: body)
            })
    }
}
