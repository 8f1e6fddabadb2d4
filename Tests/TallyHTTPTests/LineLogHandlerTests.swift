import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import TallyTestSupport
import Testing

@testable import TallyHTTP

@Suite struct LineLogHandlerTests {
    @Test func writesStreamLogHandlersFormatWithMergedSortedMetadata() {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "clicktally") { label in
            LineLogHandler(label: label) { line in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "hb.request.id"] = "abc123"
        logger.info("request", metadata: ["status": "302", "path": "/x"])
        logger.debug("hidden")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = written.first ?? ""
        #expect(line.hasSuffix(" info clicktally: hb.request.id=abc123 path=/x status=302 [TallyHTTPTests] request\n"))
        #expect(line.prefix(19).allSatisfy { $0.isNumber || "-T:".contains($0) })
    }

    @Test func timestampsAreUTC() {
        #expect(SecondTimestamp.format(epochSeconds: 0) == "1970-01-01T00:00:00+0000")
        #expect(SecondTimestamp.format(epochSeconds: 1_795_922_864) == "2026-11-29T03:27:44+0000")
    }
}

@Suite struct BufferedStandardErrorTests {
    /// A temporary file standing in for standard error, and what has reached it so far.
    final class Sink {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clicktally-log-\(UUID().uuidString)").path
        let descriptor: Int32
        init() { descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600) }
        var text: String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        deinit {
            close(descriptor)
            unlink(path)
        }
    }

    @Test func linesWaitForAnUrgentOneThenLeaveInOrder() {
        let sink = Sink()
        let output = BufferedStandardError(descriptor: sink.descriptor)
        output.append("one\n")
        output.append("two\n")
        #expect(sink.text == "")
        output.append("three\n", urgent: true)
        #expect(sink.text == "one\ntwo\nthree\n")
    }

    @Test func quietLinesAreWrittenAtTheFlushersNextTick() {
        let sink = Sink()
        // The flusher's pause, given by hand: `paused` says it is waiting, `tick` lets it go round once.
        let paused = DispatchSemaphore(value: 0)
        let tick = DispatchSemaphore(value: 0)
        let output = BufferedStandardError(descriptor: sink.descriptor) {
            paused.signal()
            tick.wait()
        }
        output.append("quiet\n")
        paused.wait()
        #expect(sink.text == "", "nothing is written before the tick")
        tick.signal()
        paused.wait()  // round again: the flush of that tick is done
        #expect(sink.text == "quiet\n")
        output.append("later\n")
        #expect(sink.text == "quiet\n")
        tick.signal()
        paused.wait()
        #expect(sink.text == "quiet\nlater\n")
    }

    @Test func aFullBufferIsWrittenWithoutWaiting() {
        let sink = Sink()
        let output = BufferedStandardError(descriptor: sink.descriptor)
        let line = String(repeating: "x", count: 1023) + "\n"
        for _ in 0..<64 { output.append(line) }
        #expect(sink.text.utf8.count == 64 * 1024)
    }
}

@Suite struct RequestIDTextTests {
    @Test func idsAreThirtyTwoHexDigitsAndDistinct() {
        #expect(RequestIDText.hex(0) == "0000000000000000")
        #expect(RequestIDText.hex(0xDEAD_BEEF) == "00000000deadbeef")
        #expect(RequestIDText.hex(.max) == "ffffffffffffffff")
        let ids = (0..<1000).map { _ in RequestIDText.next() }
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { $0.utf8.count == 32 && $0.utf8.allSatisfy { "0123456789abcdef".utf8.contains($0) } })
    }
}

/// `--log-format json`: every line one JSON object a log shipper can parse, whatever the request held, and every
/// request's line carries its id.
@Suite struct JSONLogFormatTests {
    static func parse(_ line: String) -> [String: String]? {
        guard line.hasSuffix("}\n"), line.filter({ $0 == "\n" }).count == 1 else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: String]
    }

    @Test func escapesWhatAStrangerSendsAndRenamesTheRequestID() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "clicktally") { label in
            LineLogHandler(label: label, format: .json) { line in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "hb.request.id"] = "abc123"
        let hostile = "a\"b\\c\nd\re\tf\u{01}g é 🙂"
        logger.warning("odd \"agent\"", metadata: ["agent": "\(hostile)", "status": "400"])
        let line = try #require(lines.withLock { $0.first })
        let object = try #require(Self.parse(line), "\(line)")
        #expect(object["agent"] == hostile && object["status"] == "400" && object["request_id"] == "abc123")
        #expect(object["level"] == "warning" && object["label"] == "clicktally" && object["message"] == "odd \"agent\"")
        #expect(object["source"] == "TallyHTTPTests" && object["time"]?.hasSuffix("+0000") == true)
        #expect(object["hb.request.id"] == nil)
    }

    /// A real server logging in JSON: an API request, a routed redirect and a fast-path redirect each write one parseable
    /// line with a request id of its own.
    @Test(arguments: TestEngine.available)
    func everyRequestLineOfARunningServerIsJSONWithItsID(_ engine: TestEngine) async throws {
        let lines = Mutex<[String]>([])
        let logger = Logger(label: "clicktally") { label in
            LineLogHandler(label: label, format: .json) { line in lines.withLock { $0.append(line) } }
        }
        try await withMigratedTestDatabase(engine) { database, location in
            let server = try await buildApplication(configuration: try testConfiguration(database: location), database: database, logger: logger)
            try await server.link("https://example.com/", name: "logged")
            try await server.application.test(.live) { client in
                _ = try await client.execute(uri: "/v2/datapoints/count", method: .get, headers: [.authorization: "Bearer nonsense\"key"])
                _ = try await client.execute(uri: "/logged?q=%22x%0A", method: .get, headers: browser)
                _ = try await client.execute(uri: "/logged", method: .get, headers: [.userAgent: "curl/8 \"quoted\"\n"])
            }
        }
        let written = lines.withLock { $0 }
        let objects = written.compactMap(Self.parse)
        #expect(objects.count == written.count, "\(written.filter { Self.parse($0) == nil })")
        let requests = objects.filter { $0["status"] != nil && $0["path"] != nil }
        #expect(requests.count >= 3, "\(requests)")
        let ids = requests.compactMap { $0["request_id"] }
        #expect(ids.count == requests.count && Set(ids).count == ids.count && ids.allSatisfy { $0.count == 32 })
        #expect(!written.joined().contains("nonsense"))
    }
}
