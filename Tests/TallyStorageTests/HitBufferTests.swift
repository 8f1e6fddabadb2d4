import TallyCore
import TallyStorage
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
