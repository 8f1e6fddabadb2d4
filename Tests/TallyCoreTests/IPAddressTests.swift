import Testing

@testable import TallyCore

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("192.168.10.77", "192.168.10.77", "192.168.10.0"), ("::1", "::1", "::"),
        ("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8:85a3::8a2e:370:7334", "2001:db8:85a3::"),
        ("::ffff:10.1.2.3", "10.1.2.3", "10.1.2.0"), ("fe80::1%eth0", "fe80::1", "fe80::"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", "2001:db8::"),
    ])
    func parsesFormatsAndMasks(_ text: String, _ canonical: String, _ masked: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
        #expect(address.masked.description == masked)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.256", "01.2.3.4x", "1::2::3", "12345::", "hello", "1.2.3.4.5", ":::"])
    func refusesNonAddresses(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func networksContainTheirAddresses() throws {
        let v4 = try #require(IPNetwork("10.0.0.0/8"))
        #expect(v4.contains(IPAddress("10.200.1.1")!))
        #expect(!v4.contains(IPAddress("11.0.0.1")!))
        let single = try #require(IPNetwork("127.0.0.1"))
        #expect(single.contains(IPAddress("127.0.0.1")!) && !single.contains(IPAddress("127.0.0.2")!))
        let v6 = try #require(IPNetwork("2001:db8::/32"))
        #expect(v6.contains(IPAddress("2001:db8:ffff::1")!) && !v6.contains(IPAddress("2001:db9::1")!))
        #expect(!v6.contains(IPAddress("10.0.0.1")!))
        #expect(IPNetwork("10.0.0.0/33") == nil)
        #expect(throws: ValidationError.self) { try IPNetwork.parseList("10.0.0.0/8, nonsense") }
        #expect(try IPNetwork.parseList(" 10.0.0.0/8 , ::1 ").count == 2)
    }
}

@Suite struct ClientAddressTests {
    let resolver = ClientAddressResolver(trustedProxies: [IPNetwork("127.0.0.1")!, IPNetwork("10.0.0.0/8")!])

    @Test func anUntrustedPeerCannotChooseItsAddress() {
        let peer = IPAddress("203.0.113.9")
        #expect(resolver.resolve(peer: peer, forwarded: nil, forwardedFor: "1.1.1.1") == peer)
    }

    @Test func aTrustedProxyChainIsWalkedFromTheNearestHop() {
        let peer = IPAddress("127.0.0.1")
        // The client may prepend anything; only what our proxies appended counts.
        #expect(resolver.resolve(peer: peer, forwarded: nil, forwardedFor: "6.6.6.6, 198.51.100.4, 10.0.0.2") == IPAddress("198.51.100.4"))
        #expect(resolver.resolve(peer: peer, forwarded: nil, forwardedFor: nil) == peer)
        #expect(resolver.resolve(peer: peer, forwarded: nil, forwardedFor: "10.0.0.3") == IPAddress("10.0.0.3"))
    }

    @Test func forwardedIsParsedWhenItIsTheConfiguredHeader() {
        let resolver = ClientAddressResolver(trustedProxies: resolver.trustedProxies, header: .forwarded)
        let peer = IPAddress("10.1.1.1")
        let header = #"for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711""#
        #expect(resolver.resolve(peer: peer, forwarded: header, forwardedFor: "9.9.9.9") == IPAddress("2001:db8:cafe::17"))
        #expect(resolver.resolve(peer: peer, forwarded: "for=192.0.2.60:8080", forwardedFor: nil) == IPAddress("192.0.2.60"))
        // X-Forwarded-For is what a client can write itself when the proxy writes Forwarded: ignored.
        #expect(resolver.resolve(peer: peer, forwarded: nil, forwardedFor: "9.9.9.9") == peer)
    }

    @Test func onlyTheConfiguredHeaderSetIsBelieved() {
        let peer = IPAddress("127.0.0.1")
        // Behind an X-Forwarded-For proxy, a client's own Forwarded header changes neither address nor scheme.
        #expect(resolver.resolve(peer: peer, forwarded: "for=10.0.0.9;proto=https", forwardedFor: "198.51.100.7") == IPAddress("198.51.100.7"))
        #expect(!resolver.saysHTTPS(peer: peer, forwarded: "for=10.0.0.9;proto=https", forwardedProto: nil))
        #expect(resolver.saysHTTPS(peer: peer, forwarded: nil, forwardedProto: "https"))
        // The nearest proxy's value counts: a client's "https" before the proxy's appended "http" is not believed.
        #expect(!resolver.saysHTTPS(peer: peer, forwarded: nil, forwardedProto: "https, http"))
        #expect(!resolver.saysHTTPS(peer: IPAddress("203.0.113.9"), forwarded: nil, forwardedProto: "https"))
        let forwarded = ClientAddressResolver(trustedProxies: resolver.trustedProxies, header: .forwarded)
        #expect(forwarded.saysHTTPS(peer: peer, forwarded: #"for=1.2.3.4;proto=http, for=5.6.7.8;proto="https""#, forwardedProto: nil))
        #expect(!forwarded.saysHTTPS(peer: peer, forwarded: "for=1.2.3.4;proto=https, for=5.6.7.8", forwardedProto: nil))
        #expect(!forwarded.saysHTTPS(peer: peer, forwarded: nil, forwardedProto: "https"))
    }
}
