import Testing

@testable import TallyCore

/// The cover rule of key management, bound by bound (the HTTP attacks are in KeyAuthorityTests).
@Suite struct KeyBoundsTests {
    static func net(_ text: String) -> IPNetwork { IPNetwork(text)! }
    static let actor = KeyBounds(
        scopes: APIScopeSet([APIScope(.keys, .write), APIScope(.datapoints, .read)]), groupIDs: [1, 2],
        allowedNetworks: [net("10.0.0.0/8"), net("2001:db8::/32")], expiresAt: 1_000, ratePerSecond: 10, burst: 20)

    static func target(_ change: (inout KeyBounds) -> Void) -> KeyBounds {
        var bounds = KeyBounds(
            scopes: APIScopeSet([APIScope(.datapoints, .read)]), groupIDs: [1], allowedNetworks: [net("10.1.0.0/16")], expiresAt: 900,
            ratePerSecond: 5, burst: 10)
        change(&bounds)
        return bounds
    }

    @Test func aNarrowerTargetIsCoveredAndEachWiderBoundIsNamed() {
        #expect(Self.actor.refusal(toManage: Self.target { _ in }) == nil)
        #expect(Self.actor.refusal(toManage: Self.actor) == nil)
        #expect(Self.actor.refusal(toManage: Self.target { $0.scopes = .readOnly }) == .scopes)
        #expect(Self.actor.refusal(toManage: Self.target { $0.scopes = APIScopeSet([APIScope(.datapoints, .write)]) }) == .scopes)
        #expect(Self.actor.refusal(toManage: Self.target { $0.groupIDs = [] }) == .groups)
        #expect(Self.actor.refusal(toManage: Self.target { $0.groupIDs = [1, 3] }) == .groups)
        #expect(Self.actor.refusal(toManage: Self.target { $0.allowedNetworks = [] }) == .networks)
        #expect(Self.actor.refusal(toManage: Self.target { $0.allowedNetworks = [Self.net("0.0.0.0/0")] }) == .networks)
        #expect(Self.actor.refusal(toManage: Self.target { $0.allowedNetworks = [Self.net("11.0.0.1")] }) == .networks)
        #expect(Self.actor.refusal(toManage: Self.target { $0.allowedNetworks = [Self.net("2001:db8:1::/48")] }) == nil)
        #expect(Self.actor.refusal(toManage: Self.target { $0.allowedNetworks = [Self.net("2001:db8::/31")] }) == .networks)
        // An IPv4-mapped address is the IPv4 address (IPAddress folds it), so it is inside 10.0.0.0/8.
        #expect(Self.actor.refusal(toManage: Self.target { $0.allowedNetworks = [Self.net("::ffff:10.0.0.1")] }) == nil)
        #expect(Self.actor.refusal(toManage: Self.target { $0.allowedNetworks = [Self.net("::ffff:11.0.0.1")] }) == .networks)
        #expect(Self.actor.refusal(toManage: Self.target { $0.expiresAt = nil }) == .expiry)
        #expect(Self.actor.refusal(toManage: Self.target { $0.expiresAt = 1_001 }) == .expiry)
        #expect(Self.actor.refusal(toManage: Self.target { $0.ratePerSecond = 11 }) == .rate)
        #expect(Self.actor.refusal(toManage: Self.target { $0.burst = 21 }) == .rate)
    }

    @Test func unrestrictedBoundsCoverRestrictedOnesButNotTheOtherWayRound() {
        let open = KeyBounds(scopes: .admin, ratePerSecond: 10_000, burst: 100_000)
        #expect(open.refusal(toManage: Self.actor) == nil)
        #expect(Self.actor.refusal(toManage: open) == .scopes)
    }

    @Test func aGuestsKeyManagesOnlyThatGuestsKeys() {
        var guest = Self.actor
        guest.guestID = 7
        #expect(guest.refusal(toManage: Self.target { $0.guestID = 7 }) == nil)
        #expect(guest.refusal(toManage: Self.target { $0.guestID = 8 }) == .guest)
        #expect(guest.refusal(toManage: Self.target { _ in }) == .guest)
    }

    @Test func aNewKeyInheritsTheBoundsItsRequestLeftOpen() {
        let requested = KeyBounds(scopes: APIScopeSet([APIScope(.datapoints, .read)]))
        let granted = Self.actor.inherited(by: requested, rateGiven: false)
        #expect(granted.groupIDs == [1, 2] && granted.allowedNetworks == Self.actor.allowedNetworks && granted.expiresAt == 1_000)
        #expect(Self.actor.refusal(toManage: granted) == nil)
        var narrower = requested
        narrower.allowedNetworks = [Self.net("10.9.0.0/16")]
        #expect(Self.actor.inherited(by: narrower, rateGiven: false).allowedNetworks == [Self.net("10.9.0.0/16")])
    }
}
