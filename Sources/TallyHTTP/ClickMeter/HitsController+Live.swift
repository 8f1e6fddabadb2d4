import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

/// `GET /v2/clickstream/live`: the clickstream as Server-Sent Events — every hit the account's links get, as it is
/// stored (`event: hit`, `id:` the hit id, `data:` the clickstream's JSON). A reconnecting client sends
/// `Last-Event-ID` and misses nothing; `maxEvents` ends the stream after that many events and `maxSeconds` after that
/// long (for scripts and tests); without them it lasts as long as the client listens.
extension HitsController {
    func addLiveRoute(to api: APIRoutes) {
        api.on(.get, "clickstream/live", scope: StatsController.scope) { request, context, auth in
            let query = WireQuery(request)
            let maxEvents = try query.int("maxEvents")
            if let maxEvents, !(1...100_000).contains(maxEvents) { throw WireQuery.invalid("maxEvents", "between 1 and 100000") }
            let maxSeconds = try query.int("maxSeconds")
            if let maxSeconds, !(1...86_400).contains(maxSeconds) { throw WireQuery.invalid("maxSeconds", "between 1 and 86400") }
            let lasting = maxSeconds.map { Duration.seconds($0) }
            var only: Set<Int64>?
            if let id = try query.int("datapoint") {
                only = try await subjects.memberIDs(try await subjects.datapointSubject(ReportsController.context(context, id), auth))
            } else if let id = try query.int("group") {
                only = try await subjects.memberIDs(try await subjects.groupSubject(ReportsController.context(context, id), auth))
            } else if !auth.reachesWholeAccount {
                only = try await subjects.memberIDs(try await subjects.accountSubject(auth))
            }
            let filter = try Self.filter(query)
            guard filter != .conversions else {
                throw ValidationError(
                    field: "filter", code: "filter_not_live", message: "filter=conversions is not offered live (a conversion comes after its click)")
            }
            let stream = LiveHitStream(hits: hits, accountID: auth.accountID, timer: timer)
            let visible = only
            let first = try await stream.start(request)
            let holder = "key \(auth.key.id)"
            guard streams.acquire(holder) else {
                throw APIError(
                    status: .tooManyRequests, code: "too_many_streams",
                    message: "this key holds \(streams.perHolder) live streams on this server already: close one first")
            }
            let (keys, clock, publicID) = (keys, clock, auth.key.publicID)
            // Revoked or expired: the stream ends within a second, as the key's next request would fail.
            let stillAllowed: @Sendable () async throws -> Bool = {
                guard let key = try await keys.find(publicID: publicID) else { return false }
                return key.status == .active && !key.isExpired(at: clock.now())
            }
            let body = stream.body(
                after: first, lasting: lasting, maxEvents: maxEvents, slot: (streams, holder), stillAllowed: stillAllowed
            ) { batch in
                let shown = batch.filter { hit in (visible?.contains(hit.datapointID) ?? true) && Self.matches(hit, filter) }
                return try await zip(shown, wires(shown, auth)).map { hit, wire in
                    (hit.id, String(decoding: try JSONEncoder().encode(wire), as: UTF8.self))
                }
            }
            return Response(status: .ok, headers: LiveHitStream.headers, body: body)
        }
    }

    /// The live stream's filter, applied in memory.
    static func matches(_ hit: StoredHit, _ filter: HitFilter?) -> Bool {
        switch filter {
        case nil, .conversions: true
        case .uniques: hit.isUnique
        case .spiders: hit.isSpider
        case .nonuniques: !hit.isUnique && !hit.isSpider
        }
    }
}
