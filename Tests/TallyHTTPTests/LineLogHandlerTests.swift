import Logging
import Synchronization
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
