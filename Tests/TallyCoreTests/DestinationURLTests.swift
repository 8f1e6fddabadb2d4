import Testing

@testable import TallyCore

@Suite struct DestinationURLTests {
    let hosts: Set<String> = ["127.0.0.1:8080", "trk.example.com"]

    @Test(arguments: [
        "https://example.com", "http://example.com/a?b=c#d", "HTTPS://Example.com:8443/x", "http://127.0.0.1:9000/other-app",
        "https://[2001:db8::1]/v6",
    ])
    func acceptsHTTPDestinations(_ url: String) throws {
        #expect(try DestinationURL.validate(url, trackingHosts: hosts) == url)
    }

    @Test(arguments: [
        ("", "destination_empty"), ("ftp://example.com/file", "destination_scheme"), ("javascript:alert(1)", "destination_scheme"),
        ("/relative/path", "destination_not_absolute"), ("example.com/no-scheme", "destination_not_absolute"),
        ("http://", "destination_no_host"), ("https://user:secret@example.com/", "destination_credentials"),
        ("https://user@example.com/", "destination_credentials"), ("https://exa mple.com/", "destination_invalid"),
        ("https://example.com/\n", "destination_invalid"), ("http://127.0.0.1:8080/abc", "destination_loop"),
        ("https://TRK.example.com/loop", "destination_loop"), ("http://trk.example.com:80/loop", "destination_loop"),
    ])
    func refusesBadDestinations(_ url: String, _ code: String) {
        do {
            _ = try DestinationURL.validate(url, trackingHosts: hosts)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.code == code, "\(url)")
            #expect(error.field == "destination")
        }
    }

    @Test func refusesOverlongDestinations() {
        let url = "https://example.com/" + String(repeating: "a", count: 4096 - 20 + 1)
        #expect(throws: ValidationError(field: "destination", code: "destination_too_long", message: "destination URL must be at most 4096 bytes")) {
            try DestinationURL.validate(url, trackingHosts: [])
        }
        #expect(throws: Never.self) { try DestinationURL.validate(String(url.dropLast()), trackingHosts: []) }
    }

    @Test(arguments: [
        ("", "https://a.com/x", "https://a.com/x"), ("utm=1", "https://a.com/x", "https://a.com/x?utm=1"),
        ("utm=1", "https://a.com/x?id=7", "https://a.com/x?id=7&utm=1"), ("utm=1", "https://a.com/x?", "https://a.com/x?utm=1"),
        ("utm=1&b=2", "https://a.com/x?id=7#top", "https://a.com/x?id=7&utm=1&b=2#top"), ("q=1", "https://a.com#f", "https://a.com?q=1#f"),
    ])
    func forwardsQueryAfterTheDestinationsOwn(_ query: String, _ destination: String, _ expected: String) {
        #expect(DestinationURL.forwardingQuery(query, to: destination) == expected)
    }

    @Test func authorityDropsDefaultPorts() {
        #expect(DestinationURL.authority(ofBaseURL: "http://127.0.0.1:8080") == "127.0.0.1:8080")
        #expect(DestinationURL.authority(ofBaseURL: "https://Trk.Example.com:443/") == "trk.example.com")
        #expect(DestinationURL.authority(ofBaseURL: "ftp://x") == nil)
    }
}
