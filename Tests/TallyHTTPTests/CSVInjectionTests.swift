import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// A visitor writes formulas into what a hit records; the CSV export must hand none of them to a spreadsheet as a
/// formula (issue 13 §8).
@Suite struct CSVInjectionTests {
    static let payloads = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\tcmd", "\r=1"]

    static let headerPayloads = payloads.filter { !$0.hasPrefix("\t") && !$0.hasPrefix("\r") }

    @Test func everyDangerousLeadIsNeutralisedAndNumbersStayNumbers() {
        for payload in Self.payloads {
            let field = CSV.field(payload)
            let unquoted = field.hasPrefix("\"") ? String(field.dropFirst()) : field
            #expect(unquoted.hasPrefix("'"), "\(payload.debugDescription) → \(field.debugDescription)")
        }
        #expect(CSV.field("-3.5") == "-3.5" && CSV.field("+7") == "+7" && CSV.field("plain") == "plain")
        #expect(CSV.field("a,b") == "\"a,b\"" && CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
    }

    @Test(arguments: TestEngine.available)
    func aVisitorsReferrerAndAgentReachTheExportAsText(_ engine: TestEngine) async throws {
        try await StatsAPITests.withStats(engine) { setup in
            _ = try await setup.server.link("https://example.com/", name: "csv")
            try await setup.server.application.test(.live) { client in
                // HTTP trims a header value's leading tab, and a CR cannot stand in one: those two are unit-tested above.
                for payload in Self.headerPayloads {
                    setup.clock.advance(minutes: 1)
                    let headers: HTTPFields = [.userAgent: payload, .referer: payload]
                    #expect(try await client.execute(uri: "/csv", method: .get, headers: headers).status == .found)
                }
                let csv = try await client.execute(uri: "/v2/hits?timeframe=today&format=csv", method: .get, headers: setup.key)
                #expect(csv.status == .ok)
                let text = String(buffer: csv.body)
                for payload in Self.headerPayloads {
                    let quoted = CSV.field(payload)
                    #expect(text.contains(quoted), "\(payload.debugDescription) missing as \(quoted.debugDescription)")
                }
                // No cell of the export starts with a formula lead.
                for line in text.split(separator: "\r\n").dropFirst() {
                    for cell in line.split(separator: ",", omittingEmptySubsequences: false) {
                        let body = cell.hasPrefix("\"") ? cell.dropFirst() : cell
                        if let first = body.unicodeScalars.first, "=+@\t".unicodeScalars.contains(first) {
                            Issue.record("a cell starts with a formula lead: \(cell)")
                        }
                    }
                }
            }
        }
    }
}
