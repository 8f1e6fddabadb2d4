import Testing

@testable import TallyCore

/// Server-side request forgery through an account's webhook URL (issue 13 §3): every spelling of an inside address
/// is refused when the URL is saved.
@Suite struct OutboundPolicyTests {
    static let inside = [
        "http://127.0.0.1/", "http://127.0.0.1./hook", "http://2130706433/", "http://017700000001/", "http://0x7f000001/",
        "http://0177.0.0.1/", "http://0x7f.1/", "http://127.1/", "http://0x7F.0.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/", "http://[::127.0.0.1]/", "http://[0:0:0:0:0:0:0:1]/", "http://localhost/", "http://LOCALHOST./",
        "http://api.localhost/", "http://10.0.0.1/", "http://172.16.5.4/", "http://172.31.255.255/", "http://192.168.1.1:8080/",
        "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://metadata.google.internal/", "http://100.100.100.200/",
        "http://[fe80::1]/", "http://0.0.0.0/", "http://0/", "http://[::]/", "http://224.0.0.1/", "http://255.255.255.255/",
        "http://[ff02::1]/", "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::]/", "http://[2001:0:4136:e378::1]/", "http://printer.local/",
        "https://10.1.2.3:443/x", "http://0300.0250.0.1/",
    ]
    static let malformed = [
        "ftp://example.com/", "javascript:alert(1)", "http://user:pw@example.com/", "http://example.com@127.0.0.1/", "http:///x",
        "http://example.com:0/", "http://example.com:99999/", "http://256.1.1.1/", "http://1.2.3.4.5/", "http://exa mple.com/", "",
    ]

    @Test(arguments: inside + malformed)
    func isRefusedAtSaveTime(_ url: String) {
        #expect(throws: ValidationError.self) { try OutboundURL(url, policy: OutboundPolicy()) }
    }

    @Test func publicURLsAreKeptAsGiven() throws {
        let named = try OutboundURL("https://hooks.example.com/alerts?team=ops#frag", policy: OutboundPolicy())
        #expect(named.secure && named.host == "hooks.example.com" && named.port == 443 && named.target == "/alerts?team=ops" && named.literal == nil)
        let numeric = try OutboundURL("http://93.184.216.34:8080", policy: OutboundPolicy())
        #expect(numeric.literal == IPAddress("93.184.216.34") && numeric.port == 8080 && numeric.target == "/")
        let decimal = try OutboundURL("http://1572395042/", policy: OutboundPolicy())
        #expect(decimal.literal == IPAddress("93.184.216.34") && decimal.host == "93.184.216.34", "connected to by the address it spells")
        let v6 = try OutboundURL("https://[2606:2800:220:1:248:1893:25c8:1946]/", policy: OutboundPolicy())
        #expect(v6.literal == IPAddress("2606:2800:220:1:248:1893:25c8:1946") && v6.host.hasPrefix("["))
    }

    @Test func theTestOnlyLoopbackAllowanceOpensLoopbackAndNothingElse() throws {
        let tests = OutboundPolicy(allowLoopback: true)
        #expect(try OutboundURL("http://127.0.0.1:9999/hook", policy: tests).port == 9999)
        #expect(throws: ValidationError.self) { try OutboundURL("http://10.0.0.1/", policy: tests) }
        #expect(throws: ValidationError.self) { try OutboundURL("http://169.254.169.254/", policy: tests) }
        #expect(OutboundPolicy.operatorConfigured.permits(IPAddress("10.0.0.1")!))
    }

    @Test func addressFormsParseAsBrowsersParseThem() {
        #expect(OutboundPolicy.literalAddress(ofHost: "2130706433") == IPAddress("127.0.0.1"))
        #expect(OutboundPolicy.literalAddress(ofHost: "0x7f.1") == IPAddress("127.0.0.1"))
        #expect(OutboundPolicy.literalAddress(ofHost: "127.1") == IPAddress("127.0.0.1"))
        #expect(OutboundPolicy.literalAddress(ofHost: "10.1.258") == IPAddress("10.1.1.2"))
        #expect(OutboundPolicy.literalAddress(ofHost: "example.com") == nil)
        #expect(OutboundPolicy.literalAddress(ofHost: "1.2.3.256") == nil)
    }
}
