import SQLKit
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
        try await Task.sleep(for: .milliseconds(100))
        #expect(buffer.depth == 2)  // still waiting, nothing dropped
        buffer.close()
        await #expect(throws: HitBufferError.closed) { try await third.value }
        #expect(buffer.depth == 2)
    }
}

@Suite struct HitWriterLingerTests {
    /// With a flush interval the writer waits for a fuller batch, but never while requests wait for room,
    /// and never once the buffer is closed.
    @Test func lingersForFullerBatchesButNotWhenFullOrClosing() async throws {
        try await withMigratedTestDatabase(.sqlite) { database, _ in
            let link = try await HitRecordingTests.makeLink(database)
            let buffer = HitBuffer(capacity: 3)
            let writer = HitWriter(
                buffer: buffer, repository: SQLHitRepository(database: database), batchLimit: 100, linger: .seconds(30), logger: testLogger)
            let drained = Task { await writer.drain() }
            let start = ContinuousClock.now
            for index in 0..<10 {
                try await buffer.append(Hit(datapointID: link.id, time: Int64(index), kind: .click, ip: "1.1.1.\(index)"))
            }
            // Ten hits through a buffer of three: each time it filled, the writer stopped lingering.
            #expect(ContinuousClock.now - start < .seconds(10))
            buffer.close()
            await drained.value
            #expect(ContinuousClock.now - start < .seconds(10))
            #expect(try await database.count("hits") == 10)
        }
    }
}
