import Logging
import ServiceLifecycle
import Synchronization
import TallyCore

/// What other nodes (and the CLI) change, applied to this node's memory as soon as PostgreSQL announces it
/// (`LISTEN`, migration 24), instead of at the next poll: a key's cached copy is forgotten, a link's cached entry (or
/// its remembered absence) dropped, the account lists read again where their versions changed. Measured by
/// `ChangeNotificationTests`: three nodes see a revocation or a paused link within milliseconds.
///
/// The polls stay as the safety net (`CacheRefresher` each second, the key cache's two-second lifetime): for a change
/// announced while this node was not listening, and for a lookup in flight when the announcement came (it may store
/// what it read before the change until the next poll). Each time listening (re)starts, the recent changes are read
/// by time once, so what was announced while the connection was down is not lost; a lost connection is retried after
/// `retry` on `timer`.
public struct ChangeListener: Service {
    /// Where notifications come from: PostgreSQL's `LISTEN` on one connection (its backend's process id given with
    /// them), until it fails or the task ends.
    public typealias Listen =
        @Sendable (
            _ channel: String, _ consume: @Sendable (_ backend: Int32, _ notifications: any AsyncSequence<String, any Error>) async throws -> Void
        ) async throws -> Void

    /// The process id of the PostgreSQL backend listening now, or 0 (tests end that connection to see the safety net).
    public var backend: Int32 { listening.value.load(ordering: .relaxed) }
    private let listening = Backend()

    /// A class around the atomic, which a struct cannot hold.
    final class Backend: Sendable {
        let value = Atomic<Int32>(0)
    }

    let listen: Listen
    let cache: DatapointCache
    let verifier: KeyVerifier
    let lists: ListMirror?
    let refresher: CacheRefresher
    let timer: any Clock<Duration>
    let retry: Duration
    let logger: Logger
    /// Each announcement once applied, and `listening` whenever listening (re)starts (tests and the log follow it).
    public let applied: AsyncStream<String>
    private let appliedSink: AsyncStream<String>.Continuation

    public init(
        listen: @escaping Listen, cache: DatapointCache, verifier: KeyVerifier, lists: ListMirror?, refresher: CacheRefresher,
        timer: any Clock<Duration>, retry: Duration = .seconds(1), logger: Logger
    ) {
        self.listen = listen
        self.cache = cache
        self.verifier = verifier
        self.lists = lists
        self.refresher = refresher
        self.timer = timer
        self.retry = retry
        self.logger = logger
        // Bounded: a node nobody reads this from keeps only the latest.
        (applied, appliedSink) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1_000))
    }

    public static let listening = "listening"

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await listen(Migration.changeChannel) { backend, notifications in
                        // Announcements from here on arrive; what changed before is read once by time.
                        listening.value.store(backend, ordering: .relaxed)
                        verifier.invalidateAll()
                        await refresher.refreshOnce()
                        appliedSink.yield(Self.listening)
                        for try await payload in notifications { await apply(payload) }
                    }
                } catch {
                    if !Task.isCancelled {
                        logger.warning("change notifications lost; polling until listening again", metadata: ["error": "\(error)"])
                    }
                }
                // Not listening, whether the connection failed or the notifications ended.
                listening.value.store(0, ordering: .relaxed)
                if Task.isCancelled { break }
                try? await timer.sleep(for: retry)
            }
        }
    }

    /// One announcement: `key <public id>`, `links <domain id>/<name>` lines (or `links *`), `lists`.
    func apply(_ payload: String) async {
        let (kind, rest) = Self.split(payload)
        switch kind {
        case "key":
            verifier.invalidate(publicID: rest)
        case "links" where rest == "*":
            await refresher.refreshOnce()
        case "links":
            for line in rest.split(separator: "\n") {
                guard let slash = line.firstIndex(of: "/"), let domainID = Int64(line[..<slash]) else { continue }
                cache.invalidate(domainID: domainID, name: String(line[line.index(after: slash)...]))
            }
        case "lists":
            do { _ = try await lists?.refresh() } catch { logger.warning("list refresh failed", metadata: ["error": "\(error)"]) }
        default:
            logger.debug("unknown change announced", metadata: ["kind": "\(kind)"])
        }
        appliedSink.yield(payload)
    }

    static func split(_ payload: String) -> (kind: Substring, rest: String) {
        guard let space = payload.firstIndex(of: " ") else { return (payload[...], "") }
        return (payload[..<space], String(payload[payload.index(after: space)...]))
    }
}
