import Configuration
import NIOCore
import NIOPosix
import TallyCore
import TallyHTTP
import Testing

/// The event loops' nice value (`EventLoopNiceness`): set on each loop's own thread, read back from it, and configured
/// within 0–19.
@Suite struct EventLoopNicenessTests {
    @Test func eachLoopThreadTakesTheValue() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let values = try await EventLoopNiceness.apply(3, to: group)
        #expect(values == [3, 3])
        // Applied again, each thread moves to the new value (raising it needs no privilege).
        let others = try await EventLoopNiceness.apply(7, to: group)
        #expect(others == [7, 7])
        try await group.shutdownGracefully()
    }

    @Test func configurationDefaultsToFiveAndRefusesOutOfRange() throws {
        let defaults = try AppConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: [:])))
        #expect(defaults.eventLoopNice == 5)
        let off = try AppConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: ["eventLoopNice": 0])))
        #expect(off.eventLoopNice == 0)
        for bad in [-1, 20] {
            #expect(throws: ValidationError.self) {
                try AppConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: ["eventLoopNice": .init(.int(bad), isSecret: false)])))
            }
        }
    }
}
