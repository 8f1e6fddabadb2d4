import Configuration
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// The functions behind `clicktally migrate` and `clicktally links …`.
@Suite struct AdminTests {
    @Test(arguments: TestEngine.available)
    func linksLifecycleThroughTheCLIFunctions(_ engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database, location in
            let admin = Admin(
                configuration: try testConfiguration(["autoMigrate": .bool(true)], database: location), logger: testLogger)
            let created = try await admin.createLink(.init(destination: "https://example.com/a", name: "abc"), database: database)
            #expect(created.trackingCode == "http://127.0.0.1:8080/abc")
            let generated = try await admin.createLink(.init(destination: "https://example.com/b"), database: database)
            #expect(generated.datapoint.name.count == 7)
            let pixel = try await admin.createLink(.init(type: .trackingPixel, destination: nil, name: "px"), database: database)
            #expect(pixel.datapoint.type == .trackingPixel)

            #expect(try await admin.setStatus(name: "abc", to: .paused, database: database).datapoint.status == .paused)
            #expect(try await admin.setStatus(name: "abc", to: .active, database: database).datapoint.status == .active)
            #expect(try await admin.setStatus(name: "abc", to: .deleted, database: database).datapoint.status == .deleted)
            #expect(
                try await admin.listLinks(includeDeleted: false, database: database).map(\.datapoint.name).sorted()
                    == [generated.datapoint.name, "px"].sorted())
            #expect(try await admin.listLinks(includeDeleted: true, database: database).count == 3)

            await #expect(throws: ValidationError.self) { try await admin.setStatus(name: "nope", to: .paused, database: database) }
            do {
                _ = try await admin.createLink(.init(destination: "https://example.com/again", name: "abc"), database: database)
                Issue.record("reused a deleted name")
            } catch let error as ValidationError {
                #expect(error.code == "name_taken")
            }
            #expect(try await database.count("datapoints") == 3)
        }
    }

    @Test(arguments: TestEngine.available)
    func postgresIsNotMigratedUnasked(_ engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database, location in
            let configuration = try testConfiguration(database: location)
            let admin = Admin(configuration: configuration, logger: testLogger)
            switch engine {
            case .sqlite:
                _ = try await admin.listLinks(includeDeleted: true, database: database)
                #expect(try await MigrationRunner(database: database).pending().isEmpty)
            case .postgres:
                await #expect(throws: MigrationError.pending(versions: Migrations.all.map(\.version))) {
                    try await admin.listLinks(includeDeleted: true, database: database)
                }
                #expect(try await admin.migrate(dryRun: true, database: database).count == Migrations.all.count)
                #expect(try await admin.migrate(dryRun: false, database: database).count == Migrations.all.count)
                #expect(try await admin.listLinks(includeDeleted: true, database: database).isEmpty)
            }
        }
    }
}

@Suite struct ImportTests {
    @Test(arguments: TestEngine.available)
    func importsLineByLineAndNamesTheFirstBadLine(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, location in
            let admin = Admin(configuration: try testConfiguration(database: location), logger: testLogger)
            let lines = ["# destination name", "https://example.com/1 one", "", "https://example.com/2,two", "https://example.com/3"]
            #expect(try await admin.importLinks(lines, database: database) == 3)
            #expect(try await admin.listLinks(includeDeleted: false, database: database).map(\.datapoint.name).contains("two"))
            do {
                _ = try await admin.importLinks(["https://example.com/4 four", "ftp://example.com/5 five"], database: database)
                Issue.record("imported a bad line")
            } catch let error as ValidationError {
                #expect(error.code == "destination_scheme")
                #expect(error.message.hasPrefix("line 2:"))
            }
            #expect(try await database.count("datapoints") == 4)  // the good line before the bad one stays
        }
    }
}
