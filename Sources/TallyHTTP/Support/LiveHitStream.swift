import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import TallyStorage

/// How many live streams each key and each dashboard session holds open on this node: at most `perHolder` (5), so
/// one key cannot tie up the server's connections and database polls.
final class LiveStreamSlots: Sendable {
    let perHolder: Int
    private let open = Mutex<[String: Int]>([:])

    init(perHolder: Int = 5) {
        self.perHolder = perHolder
    }

    /// Takes a slot for `holder`; `false` when it holds `perHolder` already.
    func acquire(_ holder: String) -> Bool {
        open.withLock { open in
            let held = open[holder, default: 0]
            guard held < perHolder else { return false }
            open[holder] = held + 1
            return true
        }
    }

    func release(_ holder: String) {
        open.withLock { open in
            let held = open[holder, default: 0] - 1
            open[holder] = held > 0 ? held : nil
        }
    }

    func held(_ holder: String) -> Int { open.withLock { $0[holder, default: 0] } }
}

/// Server-Sent Events of an account's new hits, polled from the database: for the API's `/v2/clickstream/live` and
/// the dashboard's link page alike. `retry` first, `event: hit` with `id:` the hit id (a reconnecting client sends
/// `Last-Event-ID`), a keep-alive comment when idle; ends at `deadline` or after `maxEvents` events.
struct LiveHitStream: Sendable {
    static let poll = Duration.milliseconds(250)
    static let keepAliveEvery = 60
    /// How often the stream asks whether its key or session still stands: a revoked key's stream ends within this.
    static let recheckEvery = 4

    let hits: HitQueries
    let accountID: Int64
    /// What the polls wait on and `lasting` is measured on (`ServiceTimers.streams`).
    let timer: any Clock<Duration>

    /// Where to start: the newest hit now, or earlier when the client says what it saw last (`Last-Event-ID`, or `since`).
    func start(_ request: Request, since: Int64? = nil) async throws -> Int64 {
        var start = try await hits.latestID()
        for resume in [request.headers[HTTPField.Name("Last-Event-ID")!].flatMap({ Int64($0) }), since].compactMap({ $0 })
        where resume >= 0 && resume < start {
            start = resume
        }
        return start
    }

    /// `events` turns a polled batch into what is sent: the hit id and its `data:` line, for the hits it keeps.
    /// - Parameters:
    ///   - slot: the holder's slot (`LiveStreamSlots`), given back when the stream ends however it ends.
    ///   - stillAllowed: asked every second: the key not revoked or expired, the session not ended; `false` ends it.
    func body(
        after first: Int64, lasting: Duration?, maxEvents: Int? = nil, slot: (LiveStreamSlots, String)? = nil,
        stillAllowed: @escaping @Sendable () async throws -> Bool = { true },
        events: @escaping @Sendable ([StoredHit]) async throws -> [(id: Int64, data: String)]
    ) -> ResponseBody {
        let (hits, accountID, timer) = (hits, accountID, timer)
        let deadline = lasting.map { ClockDeadline(after: $0, on: timer) }
        return ResponseBody { writer in
            defer { if let (slots, holder) = slot { slots.release(holder) } }
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            var last = first
            var sent = 0
            var idle = 0
            var polls = 0
            while !Task.isCancelled, deadline?.hasPassed() != true {
                polls += 1
                if polls % Self.recheckEvery == 0, try await !stillAllowed() { break }
                let batch = try await hits.after(id: last, accountID: accountID, limit: 200)
                guard let newest = batch.last?.id else {
                    idle += 1
                    if idle % Self.keepAliveEvery == 0 { try await writer.write(ByteBuffer(string: ": keep-alive\n\n")) }
                    try await timer.sleep(for: Self.poll)
                    continue
                }
                last = newest
                idle = 0
                for event in try await events(batch) {
                    try await writer.write(ByteBuffer(string: "id: \(event.id)\nevent: hit\ndata: \(event.data)\n\n"))
                    sent += 1
                    if let maxEvents, sent >= maxEvents {
                        try await writer.finish(nil)
                        return
                    }
                }
            }
            try await writer.finish(nil)
        }
    }

    static let headers: HTTPFields = [
        .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no",
    ]
}

/// A moment `duration` after now on a clock of any kind (the system's, or a test's moved by hand), asked whether it has
/// passed: opening the clock keeps its own instant type, which an `any Clock` cannot compare.
struct ClockDeadline: Sendable {
    let hasPassed: @Sendable () -> Bool

    init<C: Clock<Duration>>(after duration: Duration, on clock: C) {
        let end = clock.now.advanced(by: duration)
        hasPassed = { clock.now >= end }
    }
}
