import Foundation
import Testing

@testable import TallyHTTP

@Suite struct HTTPDateTests {
    @Test(arguments: [Int64(0), 951_782_400, 1_795_922_864, 4_107_542_399, 1_709_164_800])
    func formatsLikeFoundation(_ seconds: Int64) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        #expect(HTTPDate.format(epochSeconds: seconds) == expected)
    }

    @Test func cachesWithinASecond() {
        let date = HTTPDate()
        #expect(date.header(now: 1_000) == "Thu, 01 Jan 1970 00:00:01 GMT")
        #expect(date.header(now: 1_999) == "Thu, 01 Jan 1970 00:00:01 GMT")
        #expect(date.header(now: 2_000) == "Thu, 01 Jan 1970 00:00:02 GMT")
    }
}
