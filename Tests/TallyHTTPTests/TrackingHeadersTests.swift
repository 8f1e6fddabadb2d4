import HTTPTypes
import NIOCore
import NIOHTTP1
import TallyCore
import Testing

@testable import TallyHTTP

@Suite struct TrackingHeadersTests {
    @Test func picksTheRecordedHeadersWhateverTheirCase() {
        let headers = TrackingHeaders(
            HTTPHeaders([
                ("HOST", "Go.Example"), ("user-agent", "UA/1"), ("Referer", "https://r.example/"), ("ACCEPT-LANGUAGE", "it-IT"),
                ("Forwarded", "for=192.0.2.1"), ("x-forwarded-for", "198.51.100.7"), ("X-Other", "ignored"),
            ]))
        #expect(headers.host == "Go.Example")
        #expect(headers.userAgent == "UA/1")
        #expect(headers.referer == "https://r.example/")
        #expect(headers.acceptLanguage == "it-IT")
        #expect(headers.forwarded == "for=192.0.2.1")
        #expect(headers.forwardedFor == "198.51.100.7")
    }

    @Test func repeatedHeadersCombineInOrderLikeHTTPFields() {
        let nio = TrackingHeaders(HTTPHeaders([("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-For", "198.51.100.7")]))
        var fields = HTTPFields()
        fields.append(HTTPField(name: HTTPField.Name("X-Forwarded-For")!, value: "203.0.113.9"))
        fields.append(HTTPField(name: HTTPField.Name("X-Forwarded-For")!, value: "198.51.100.7"))
        let types = TrackingHeaders(fields)
        #expect(nio.forwardedFor == "203.0.113.9, 198.51.100.7")
        #expect(types == nio)
        #expect(types.forwardedFor == fields[HTTPField.Name("X-Forwarded-For")!])
    }

    @Test func lookAlikeNamesAreNotTaken() {
        let headers = TrackingHeaders(HTTPHeaders([("User-Agents", "x"), ("Referrer", "y"), ("Hos", "z")]))
        #expect(headers == TrackingHeaders())
    }

    @Test func peerAddressesComeStraightFromTheSocketAddress() throws {
        #expect(IPAddress(try SocketAddress(ipAddress: "192.0.2.33", port: 1)) == IPAddress("192.0.2.33"))
        #expect(IPAddress(try SocketAddress(ipAddress: "2001:db8::1:2", port: 1)) == IPAddress("2001:db8::1:2"))
        #expect(IPAddress(try SocketAddress(ipAddress: "::ffff:198.51.100.7", port: 1)) == IPAddress("198.51.100.7"))
        #expect(IPAddress(try SocketAddress(ipAddress: "::1", port: 1)) == IPAddress("::1"))
    }
}
