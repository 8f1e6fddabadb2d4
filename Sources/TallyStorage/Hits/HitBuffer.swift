import Synchronization
import TallyCore

public enum HitBufferError: Error, Equatable {
    /// The writer has stopped (the server is shutting down); the hit was not taken.
    case closed
}

/// The bounded queue between the tracking endpoints and the `HitWriter`.
/// When it is full, `append` waits (back-pressure): a hit is never dropped to make room.
public final class HitBuffer: Sendable {
    struct Entry: Sendable {
        let hit: Hit
        /// Resumed once the hit's batch committed (durable mode) or failed for good.
        let acknowledgement: CheckedContinuation<Void, any Error>?
    }

    private struct State {
        var entries: [Entry] = []
        var isClosed = false
        /// The writer, waiting for `wanted` hits (one, or while it lets a batch fill, a full batch).
        var consumer: CheckedContinuation<Void, Never>?
        var wanted = 1
        var waitingProducers: [CheckedContinuation<Void, Never>] = []
        /// Hits the writer has committed since the start, and who waits for a number of them.
        var committed = 0
        var commitWaiters: [(count: Int, waiter: CheckedContinuation<Void, Never>)] = []
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Hits waiting to be written.
    public var depth: Int { state.withLock { $0.entries.count } }

    /// Time of the oldest hit not yet handed to the writer, if any.
    public var oldestHitTime: Int64? { state.withLock { $0.entries.first?.hit.time } }

    /// Queues `hit`, waiting while the buffer is full.
    public func append(_ hit: Hit) async throws {
        while true {
            switch tryAppend(Entry(hit: hit, acknowledgement: nil)) {
            case .added(let consumer):
                consumer?.resume()
                return
            case .closed:
                throw HitBufferError.closed
            case .full:
                await waitForRoom()
            }
        }
    }

    /// Queues `hit` when there is room, without waiting; `false` when full or closed (the caller must then
    /// take the waiting path, never drop the hit).
    public func tryAppend(_ hit: Hit) -> Bool {
        guard case .added(let consumer) = tryAppend(Entry(hit: hit, acknowledgement: nil)) else { return false }
        consumer?.resume()
        return true
    }

    /// Queues `hit` and returns only once it is committed to the database (group commit).
    public func appendAndWaitForCommit(_ hit: Hit) async throws {
        struct Full: Error {}
        while true {
            do {
                try await withCheckedThrowingContinuation { (acknowledgement: CheckedContinuation<Void, any Error>) in
                    switch tryAppend(Entry(hit: hit, acknowledgement: acknowledgement)) {
                    case .added(let consumer): consumer?.resume()
                    case .closed: acknowledgement.resume(throwing: HitBufferError.closed)
                    case .full: acknowledgement.resume(throwing: Full())
                    }
                }
                return
            } catch is Full {
                await waitForRoom()
            }
        }
    }

    private enum AppendOutcome {
        case added(CheckedContinuation<Void, Never>?)
        case full
        case closed
    }

    private func tryAppend(_ entry: Entry) -> AppendOutcome {
        state.withLock { state in
            if state.isClosed { return .closed }
            guard state.entries.count < capacity else { return .full }
            state.entries.append(entry)
            guard state.entries.count >= state.wanted else { return .added(nil) }
            let consumer = state.consumer
            state.consumer = nil
            return .added(consumer)
        }
    }

    private func waitForRoom() async {
        await withCheckedContinuation { (producer: CheckedContinuation<Void, Never>) in
            let wakeNow = state.withLock { state in
                // Room may have appeared since we looked; then try again at once.
                if state.isClosed || state.entries.count < capacity { return true }
                state.waitingProducers.append(producer)
                return false
            }
            if wakeNow { producer.resume() }
        }
    }

    /// Requests waiting for room (back-pressure at work when above zero).
    public var waitingProducerCount: Int { state.withLock { $0.waitingProducers.count } }

    /// Whether `close()` was called.
    public var isClosed: Bool { state.withLock { $0.isClosed } }

    /// Waits until at least one hit is queued (`true`), or the buffer is closed and empty (`false`).
    func waitForHits() async -> Bool {
        while true {
            let (hasHits, closed) = state.withLock { ($0.entries.isEmpty == false, $0.isClosed) }
            if hasHits { return true }
            if closed { return false }
            await withCheckedContinuation { (consumer: CheckedContinuation<Void, Never>) in
                let wakeNow = state.withLock { state in
                    if !state.entries.isEmpty || state.isClosed { return true }
                    state.consumer = consumer
                    state.wanted = 1
                    return false
                }
                if wakeNow { consumer.resume() }
            }
        }
    }

    /// Returns once `count` hits are queued, the buffer is closed, or the calling task is cancelled (the writer's
    /// linger: woken by the append that completes a batch, not by polling).
    func waitForDepth(_ count: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (consumer: CheckedContinuation<Void, Never>) in
                let wakeNow = state.withLock { state in
                    if state.entries.count >= count || state.isClosed || Task.isCancelled { return true }
                    state.consumer = consumer
                    state.wanted = count
                    return false
                }
                if wakeNow { consumer.resume() }
            }
        } onCancel: {
            let consumer = state.withLock { state in
                defer { state.consumer = nil }
                return state.consumer
            }
            consumer?.resume()
        }
    }

    /// Waits for at least one hit and takes up to `limit`; `nil` once closed and empty.
    func takeBatch(limit: Int) async -> [Entry]? {
        while await waitForHits() {
            let (batch, producers): ([Entry], [CheckedContinuation<Void, Never>]) = state.withLock { state in
                let count = min(limit, state.entries.count)
                let batch = Array(state.entries.prefix(count))
                state.entries.removeFirst(count)
                let producers = state.waitingProducers
                state.waitingProducers = []
                return (batch, producers)
            }
            for producer in producers { producer.resume() }
            if !batch.isEmpty { return batch }
        }
        return nil
    }

    /// Hits committed to the database since the start (`/metrics` counts the same).
    public var committedCount: Int { state.withLock { $0.committed } }

    /// Returns once at least `count` hits have been committed since the start: what a test (or an operator's tool)
    /// awaits instead of polling the database on a timer.
    public func waitUntilCommitted(_ count: Int) async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let reached = state.withLock { state in
                if state.committed >= count { return true }
                state.commitWaiters.append((count, waiter))
                return false
            }
            if reached { waiter.resume() }
        }
    }

    /// Told by the writer after each commit.
    func committed(_ count: Int) {
        let ready = state.withLock { state in
            state.committed += count
            let total = state.committed
            let ready = state.commitWaiters.filter { $0.count <= total }.map(\.waiter)
            state.commitWaiters.removeAll { $0.count <= total }
            return ready
        }
        for waiter in ready { waiter.resume() }
    }

    /// Refuses new hits; the writer drains what is queued and then stops.
    public func close() {
        let (consumer, producers) = state.withLock { state in
            state.isClosed = true
            let consumer = state.consumer
            state.consumer = nil
            let producers = state.waitingProducers
            state.waitingProducers = []
            return (consumer, producers)
        }
        consumer?.resume()
        for producer in producers { producer.resume() }
    }
}
