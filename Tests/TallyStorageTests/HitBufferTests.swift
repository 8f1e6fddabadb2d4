import SQLKit
import Synchronization
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@Suite struct HitBufferTests {
    @Test func aFullBufferMakesProducersWait() async throws {
        let buffer = HitBuffer(capacity: 2)
        let hit = Hit(datapointID: 1, time: 5, kind: .click, ip: "1.1.1.1")
        try await buffer.append(hit)
        try await buffer.append(hit)
        #expect(buffer.depth == 2 && buffer.oldestHitTime == 5)
        let third = Task { try await buffer.append(hit) }
        while buffer.waitingProducerCount == 0 { await Task.yield() }
        #expect(buffer.depth == 2)  // still waiting, nothing dropped
        buffer.close()
        await #expect(throws: HitBufferError.closed) { try await third.value }
        #expect(buffer.depth == 2)
    }
}

/// The writer's linger runs on a clock moved by hand: what it waits for is proven by what happens before and after the
/// clock moves, not by how long a busy machine took.
@Suite struct HitWriterLingerTests {
    /// With a flush interval the writer waits for a fuller batch, but never while requests wait for room: ten hits
    /// through a buffer of three are all written without the clock moving at all.
    @Test func aFullBufferEndsTheLingerAtOnce() async throws {
        try await withMigratedTestDatabase(.sqlite) { database, _ in
            let link = try await HitRecordingTests.makeLink(database)
            let buffer = HitBuffer(capacity: 3)
            let timer = ManualClock()
            let writer = HitWriter(
                buffer: buffer, repository: SQLHitRepository(database: database), batchLimit: 100, linger: .seconds(30), timer: timer,
                logger: testLogger)
            let drained = Task { await writer.drain() }
            for index in 0..<10 {
                try await buffer.append(Hit(datapointID: link.id, time: Int64(index), kind: .click, ip: "1.1.1.\(index)"))
            }
            // The last hit completes no batch: the writer lingers for it on the clock, and the clock has not moved.
            await timer.waitUntilSleeping(1)
            #expect(buffer.depth == 1)
            #expect(try await database.count("hits") == 9)
            // Closing the buffer ends the linger at once (shutdown drains), still without the clock moving.
            buffer.close()
            await drained.value
            #expect(try await database.count("hits") == 10)
        }
    }

    /// A batch that does not fill is written when the linger is over, not before.
    @Test func aPartialBatchWaitsForTheLinger() async throws {
        try await withMigratedTestDatabase(.sqlite) { database, _ in
            let link = try await HitRecordingTests.makeLink(database)
            let buffer = HitBuffer(capacity: 100)
            let timer = ManualClock()
            let (commits, committed) = AsyncStream.makeStream(of: Int.self)
            let writer = HitWriter(
                buffer: buffer, repository: SQLHitRepository(database: database), batchLimit: 100, linger: .seconds(30),
                observer: CommitSignal(sizes: committed), timer: timer, logger: testLogger)
            let drained = Task { await writer.drain() }
            for index in 0..<5 {
                try await buffer.append(Hit(datapointID: link.id, time: Int64(index), kind: .click, ip: "1.1.1.\(index)"))
            }
            await timer.waitUntilSleeping(1)
            timer.advance(by: .seconds(29))
            #expect(buffer.depth == 5, "still lingering at 29 s")
            #expect(try await database.count("hits") == 0)
            timer.advance(by: .seconds(1))
            var sizes = commits.makeAsyncIterator()
            #expect(await sizes.next() == 5, "the five are written as one batch when the linger is over")
            #expect(try await database.count("hits") == 5)
            buffer.close()
            await drained.value
        }
    }
}

/// A writer stopped by cancellation while a batch keeps failing (a hit of a link that does not exist) stops: before, its
/// back-off sleep failed at once under cancellation and it retried for ever, so fast that the shared writer thread had
/// no time for any other writer (the suite's requests timed out). The durable request learns its hit was not written.
@Suite struct HitWriterCancellationTests {
    @Test(.timeLimit(.minutes(1))) func aCancelledWriterGivesUpAFailingBatchAndSaysSo() async throws {
        try await withMigratedTestDatabase(.sqlite) { database, _ in
            let buffer = HitBuffer(capacity: 10)
            let timer = ManualClock()
            let failures = FailureCount()
            let writer = HitWriter(
                buffer: buffer, repository: SQLHitRepository(database: database), batchLimit: 10, observer: failures, timer: timer,
                logger: testLogger)
            let drained = Task { await writer.drain() }
            let durable = Task { try await buffer.appendAndWaitForCommit(Hit(datapointID: 424_242, time: 1, kind: .click, ip: "1.1.1.1")) }
            // The batch fails (no such link) and the writer waits out its back-off on the clock, which never moves.
            await timer.waitUntilSleeping(1)
            #expect(failures.count == 1)
            drained.cancel()
            await drained.value
            await #expect(throws: (any Error).self) { try await durable.value }
            // The first failure, and the one that met the cancellation (the last try outside it fails the same way).
            #expect(failures.count == 2)
            let stored = try await database.count("hits")
            #expect(stored == 0)
        }
    }
}

/// Counts failed batches.
private final class FailureCount: HitWriterObserver {
    private let failures = Mutex(0)
    var count: Int { failures.withLock { $0 } }
    func batchCommitted(size: Int, duration: Duration) {}
    func batchFailed(size: Int) { failures.withLock { $0 += 1 } }
}

/// Passes each committed batch's size to a stream the test reads.
private struct CommitSignal: HitWriterObserver {
    let sizes: AsyncStream<Int>.Continuation
    func batchCommitted(size: Int, duration: Duration) { sizes.yield(size) }
    func batchFailed(size: Int) {}
}
