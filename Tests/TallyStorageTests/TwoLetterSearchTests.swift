import Foundation
import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

/// Two-character searches through SQLite's trigram index (migration 21: each value indexed with U+FFFF after it, the
/// needle's terms read from `datapoints_text_terms`) find what a case-insensitive substring finds, wherever in the value
/// the needle stands, after renames and deletions too; PostgreSQL answers the same.
@Suite struct TwoLetterSearchTests {
    static let texts: [(name: String, title: String, notes: String, destination: String?)] = [
        ("zq", "", "", "https://a.example.com/"),  // the whole name
        ("abzq", "", "", "https://a.example.com/"),  // at the name's end
        ("zqab", "Title", "", "https://a.example.com/"),  // at its start
        ("n3", "Spring ZQ", "", nil),  // a pixel, at the title's end, upper case
        ("n4", "", "notes\nzq", "https://a.example.com/"),  // after a newline, at the notes' end
        ("n5", "", "", "https://a.example.com/?q=zq"),  // at the destination's end
        ("n6", "z q", "q z", "https://a.example.com/"),  // neither
        ("n7", "100%", "a_b", "https://a.example.com/x\"y"),  // LIKE's own characters and a quote
        ("n8", "été", "", "https://a.example.com/"),  // not ASCII
        ("n9", "x\u{FFFF}\u{FFFF}", "", "https://a.example.com/"),  // the index's end mark in a value: not three in a row
    ]

    static func reference(_ needle: String) -> Set<String> {
        let folded = needle.lowercased()
        return Set(
            texts.filter { text in
                [text.name, text.title, text.notes, text.destination ?? ""].contains { $0.lowercased().contains(folded) }
            }.map(\.name))
    }

    @Test(arguments: TestEngine.available)
    func twoLetterNeedlesFindWhatASubstringFinds(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: 1)
            let repository = SQLDatapointRepository(database: database)
            var creating: [String: Datapoint] = [:]
            for text in Self.texts {
                creating[text.name] = try await repository.create(
                    NewDatapoint(
                        accountID: defaults.accountID, domainID: defaults.systemDomain.id,
                        type: text.destination == nil ? .trackingPixel : .trackingLink,
                        name: text.name, title: text.title, notes: text.notes, destinationURL: text.destination),
                    now: 1)
            }
            let made = creating
            var idsToNames: [Int64: String] = [:]
            for (name, datapoint) in made { idsToNames[datapoint.id] = name }
            func found(_ needle: String, sort: DatapointQuery.Sort = .id) async throws -> Set<String> {
                var query = DatapointQuery(accountID: defaults.accountID, statuses: [.active, .paused], sort: sort)
                query.text = needle
                let ids = try await repository.ids(query, PageWindow(offset: 0, limit: 100))
                #expect(try await repository.count(query) == ids.count, "count of \(needle)")
                return Set(ids.compactMap { idsToNames[$0] })
            }
            for needle in [
                "zq", "ZQ", "Zq", "ab", "q=", "0%", "a_", "x\"", "\"y", "é", "ét", "te", "es", "q\u{FFFF}", "\u{FFFF}z", "qz", "e", "x\u{FFFF}",
            ] {
                #expect(try await found(needle) == Self.reference(needle.replacingOccurrences(of: "\u{FFFF}", with: "")), "needle \(needle)")
                #expect(
                    try await found(needle, sort: .name) == Self.reference(needle.replacingOccurrences(of: "\u{FFFF}", with: "")),
                    "\(needle), by name")
            }
            #expect(try await found("zq") == ["zq", "abzq", "zqab", "n3", "n4", "n5"], "the reference itself")

            // A rename and a deletion take the old values out of the index (the triggers delete what they inserted).
            let renamed = made["abzq"]!
            try await repository.rename(id: renamed.id, domainID: renamed.domainID, to: "abcd", now: 2)
            idsToNames[renamed.id] = "abcd"
            var retitled = made["n3"]!
            retitled.title = "Autumn"
            _ = try await repository.save(retitled, now: 2)
            try await database.transaction { db in try await db.delete(from: "datapoints").where("id", .equal, made["n5"]!.id).run() }
            #expect(try await found("zq") == ["zq", "zqab", "n4"])
            #expect(try await found("cd") == ["abcd"])
            #expect(try await found("mn") == ["n3"], "the new title is found")
        }
    }

    /// Links written before migrations 21 and 22 are found after them: SQLite's index is refilled with the end marks
    /// (and the recreated triggers delete what the refill wrote), PostgreSQL's pair index is built over the rows there.
    @Test(arguments: TestEngine.available)
    func linksMadeBeforeTheMigrationsAreFoundAfterThem(_ engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database, _ in
            _ = try await MigrationRunner(database: database, migrations: Migrations.all.filter { $0.version <= 20 }).migrate(now: 1)
            let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: 1)
            let repository = SQLDatapointRepository(database: database)
            var made: [String: Int64] = [:]
            for (name, title) in [("abzq", "Winter"), ("zqab", ""), ("n3", "Spring ZQ"), ("n4", "none")] {
                made[name] =
                    try await repository.create(
                        NewDatapoint(
                            accountID: defaults.accountID, domainID: defaults.systemDomain.id, type: .trackingLink, name: name, title: title,
                            destinationURL: "https://a.example.com/"),
                        now: 1
                    ).id
            }
            #expect(try await MigrationRunner(database: database).migrate(now: 2).map(\.version).contains(21))
            func found(_ needle: String) async throws -> Set<Int64> {
                var query = DatapointQuery(accountID: defaults.accountID, statuses: [.active, .paused])
                query.text = needle
                return Set(try await repository.ids(query, PageWindow(offset: 0, limit: 100)))
            }
            #expect(try await found("zq") == [made["abzq"]!, made["zqab"]!, made["n3"]!])
            #expect(try await found("inter") == [made["abzq"]!])
            try await repository.rename(id: made["abzq"]!, domainID: defaults.systemDomain.id, to: "abcd", now: 3)
            #expect(try await found("zq") == [made["zqab"]!, made["n3"]!], "the refilled entry was deleted with the old name")
        }
    }
}
