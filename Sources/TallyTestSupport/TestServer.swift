import Configuration
import Foundation
import Logging
import TallyCore
import TallyHTTP
import TallyStorage

/// An `AppConfiguration` from in-memory values, as the executable would read it from flags.
public func testConfiguration(_ values: [String: ConfigContent] = [:], database: DatabaseLocation) throws -> AppConfiguration {
    var all: [AbsoluteConfigKey: ConfigValue] = [:]
    // A fixed pepper: the default would write a generated one into ./data of the working directory.
    all[AbsoluteConfigKey(ConfigKey(AppConfiguration.Key.keyPepper))] = ConfigValue(
        .string("test-pepper-0123456789abcdef-0123456789"), isSecret: true)
    // The cheapest bcrypt: sign-in tests hash passwords often, and cost 12 would slow every timing-sensitive test beside them.
    all[AbsoluteConfigKey(ConfigKey(AppConfiguration.Key.bcryptCost))] = ConfigValue(.int(4), isSecret: false)
    // The longest head deadline: the live test client keeps one keep-alive connection and cannot reconnect, so a
    // test that waits on a slow step (a re-bucketing on a loaded CI machine) must not find it closed as idle. The
    // deadline's own tests set it.
    all[AbsoluteConfigKey(ConfigKey(AppConfiguration.Key.requestHeadTimeout))] = ConfigValue(.int(600_000), isSecret: false)
    for (key, value) in values { all[AbsoluteConfigKey(ConfigKey(key))] = ConfigValue(value, isSecret: false) }
    var configuration = try AppConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: all)))
    configuration.database = database
    return configuration
}

/// Builds the full application on a fresh database of `engine`.
public func withTestServer<T: Sendable>(
    _ engine: TestEngine, _ values: [String: ConfigContent] = [:], clock: WallClock = .system, timers: ServiceTimers = .system,
    _ body: @Sendable (TallyServer, any TallyDatabase) async throws -> T
) async throws -> T {
    try await withMigratedTestDatabase(engine) { database, location in
        let configuration = try testConfiguration(values, database: location)
        let server = try await buildApplication(configuration: configuration, database: database, clock: clock, timers: timers, logger: testLogger)
        return try await body(server, database)
    }
}
