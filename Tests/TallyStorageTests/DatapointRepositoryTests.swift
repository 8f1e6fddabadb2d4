import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@Suite struct DatapointRepositoryTests {
    static func service(_ database: any TallyDatabase) -> DatapointService {
        DatapointService(repository: SQLDatapointRepository(database: database), trackingHosts: { ["127.0.0.1:8080"] }, clock: .fixed(1_000))
    }

    @Test(arguments: TestEngine.available)
    func createsFindsListsAndSoftDeletes(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: 1)
            let service = Self.service(database)
            let link = try await service.create(
                accountID: defaults.accountID, domain: defaults.systemDomain,
                .init(destination: "https://example.com/a", name: "abc", redirectType: .temporaryRedirect, encodeIP: true))
            #expect(link.name == "abc" && link.status == .active && link.redirectType == .temporaryRedirect && link.encodeIP)
            let pixel = try await service.create(
                accountID: defaults.accountID, domain: defaults.systemDomain, .init(type: .trackingPixel, destination: nil))
            #expect(pixel.type == .trackingPixel && pixel.destinationURL == nil && pixel.name.count == 7)

            let repository = SQLDatapointRepository(database: database)
            #expect(try await repository.find(domainID: defaults.systemDomain.id, name: "abc") == link)
            #expect(try await repository.find(domainID: defaults.systemDomain.id, name: "ABC") == nil)

            let deleted = try await service.setStatus(id: link.id, to: .deleted)
            #expect(deleted?.status == .deleted)
            #expect(try await repository.list(accountID: defaults.accountID, statuses: [.active]).map(\.id) == [pixel.id])
            #expect(try await database.count("datapoints") == 2)  // soft delete: the row stays

            // A deleted datapoint's name is never given out again.
            await #expect(throws: ValidationError.self) {
                try await service.create(
                    accountID: defaults.accountID, domain: defaults.systemDomain, .init(destination: "https://e.com", name: "abc"))
            }
            await #expect(throws: ValidationError.self) { try await service.setStatus(id: link.id, to: .active) }
            #expect(try await database.count("datapoints") == 2)
        }
    }

    @Test(arguments: TestEngine.available)
    func badInputWritesNothing(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: 1)
            let service = Self.service(database)
            let cases: [(DatapointService.CreateRequest, String)] = [
                (.init(destination: "ftp://example.com"), "destination_scheme"),
                (.init(destination: "http://127.0.0.1:8080/loop"), "destination_loop"),
                (.init(destination: nil), "destination_required"),
                (.init(destination: "https://example.com", name: "has space"), "name_invalid_characters"),
                (.init(destination: "https://example.com", name: "metrics"), "name_reserved"),
                (.init(type: .trackingPixel, destination: "https://example.com"), "destination_not_allowed"),
            ]
            for (request, code) in cases {
                do {
                    _ = try await service.create(accountID: defaults.accountID, domain: defaults.systemDomain, request)
                    Issue.record("accepted a request that should fail with \(code)")
                } catch let error as ValidationError {
                    #expect(error.code == code)
                }
            }
            #expect(try await database.count("datapoints") == 0)
        }
    }

    @Test(arguments: TestEngine.available)
    func bootstrapIsIdempotentAndFollowsThePublicURL(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let bootstrap = Bootstrap(database: database)
            let first = try await bootstrap.ensureDefaults(systemDomainName: "127.0.0.1:8080", now: 1)
            let second = try await bootstrap.ensureDefaults(systemDomainName: "TRK.example.com", now: 2)
            #expect(first.accountID == second.accountID && first.systemDomain.id == second.systemDomain.id)
            #expect(second.systemDomain.name == "trk.example.com")
            #expect(try await database.count("accounts") == 1)
            #expect(try await database.count("domains") == 1)
        }
    }
}
