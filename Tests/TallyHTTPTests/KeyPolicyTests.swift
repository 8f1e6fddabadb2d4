import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLKit
import Synchronization
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// The account's key policy over months of a clock moved by hand, on both engines: warnings before a rotation is due,
/// the key expiring at its maximum age, a rotation resetting the age, an expiry reminder, a key unused too long
/// disabled and enabled again by an administrator — each notice once, however many sweeps and nodes.
extension APIKeyAuthTests {
    static let day: Int64 = 86_400_000

    @Test(arguments: TestEngine.available)
    func theKeyPolicyWarnsExpiresAndDisablesOnceEach(_ engine: TestEngine) async throws {
        let start: Int64 = 1_796_644_800_000
        let time = MovingWallClock(startingAt: start)
        try await Self.withSetup(engine, clock: time.clock) { setup in
            let notified = Mutex<[String]>([])
            let sweeper = KeyPolicySweeper(
                database: setup.database, clock: time.clock, notify: { alert, _ in notified.withLock { $0.append(alert.kind.rawValue) } },
                logger: testLogger)
            // A second node's sweeper on the same database: notices stay once for the cluster.
            let other = KeyPolicySweeper(database: setup.database, clock: time.clock, logger: testLogger)
            let by = KeyService.Actor(name: "t")
            let account = setup.user.accountID
            let (aging, agingText) = try await setup.createKey(.init(name: "aging", scopes: .readOnly), accountID: account, by: by)
            let (idle, _) = try await setup.createKey(.init(name: "idle", scopes: .readOnly), accountID: account, by: by)
            try await setup.server.application.test(.live) { client in
                var admin = setup.admin
                let policy = #"{"maxAgeDays":90,"warningDays":[7,14,1],"expireAtMaxAge":true,"staleDays":100,"disableStale":true}"#
                let set = try await Self.call(client, admin, .put, "/v2/account/key-policy", policy)
                #expect(set.status == .ok)
                #expect(try Self.json(set)["warningDays"] as? [Int] == [14, 7, 1])
                for (bad, field) in [
                    (#"{"maxAgeDays":0}"#, "maxAgeDays"), (#"{"expireAtMaxAge":true}"#, "expireAtMaxAge"), (#"{"warningDays":[0]}"#, "warningDays"),
                ] {
                    let answer = try await Self.call(client, admin, .put, "/v2/account/key-policy", bad)
                    #expect(answer.status == .badRequest)
                    #expect(try Self.errorCode(answer) == "policy_invalid", "\(field)")
                }
                #expect(try Self.json(try await Self.call(client, admin, .get, "/v2/account/key-policy"))["maxAgeDays"] as? Int == 90)
                // A policy expires and disables keys: a key that could not manage the admin key may not set it.
                var shortLived = KeyService.NewKey(name: "short-lived admin", scopes: .admin)
                shortLived.expiresAt = start + 30 * Self.day
                let (_, shortText) = try await setup.createKey(shortLived, accountID: account, by: by)
                let loosening = try await Self.call(client, shortText, .put, "/v2/account/key-policy", #"{"maxAgeDays":1,"expireAtMaxAge":true}"#)
                #expect(loosening.status == .forbidden)
                #expect(try Self.errorCode(loosening) == "expiry_exceeds_own")
                _ = try await setup.server.keys.revoke(publicID: APIKeyToken(parsing: shortText)!.publicID, accountID: account, by: by)
                #expect(try await sweeper.sweep().isEmpty)

                // Day 76: fourteen days before both keys (and the admin key) are due.
                time.advance(milliseconds: 76 * Self.day)
                let first = try await sweeper.sweep()
                #expect(first.count == 3 && first.allSatisfy { $0.kind == .rotationDue && $0.message.contains("within 14 days") })
                #expect(try await sweeper.sweep().isEmpty)
                #expect(try await other.sweep().isEmpty)
                // Day 80: the admin and the idle key are rotated; their age starts again.
                time.advance(milliseconds: 4 * Self.day)
                admin = try await setup.server.keys.rotate(
                    publicID: APIKeyToken(parsing: admin)!.publicID, accountID: account, graceMilliseconds: 0, by: by
                )
                .fullKey
                setup.issued.add(admin)
                _ = try await setup.server.keys.rotate(publicID: idle.publicID, accountID: account, graceMilliseconds: 0, by: by)
                // A key made now with a 10-day expiry (its 14-day threshold already behind it).
                let expiring = try await Self.call(client, admin, .post, "/v2/keys", #"{"name":"short","scopes":"read-only","expiresInDays":10}"#)
                setup.issued.add(try Self.createdKey(expiring).key)
                // Day 84: seven days before the aging key is due, and before the short key expires.
                time.advance(milliseconds: 4 * Self.day)
                let second = try await sweeper.sweep()
                #expect(second.map(\.message).filter { $0.contains(aging.publicID) } == ["key \(aging.publicID) is due for rotation within 7 days"])
                #expect(second.filter { $0.kind == .expiring }.map(\.message).first?.hasSuffix("expires within 7 days") == true)
                // Day 89, on the other node: a day before both.
                time.advance(milliseconds: 5 * Self.day)
                let third = try await other.sweep()
                #expect(third.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.expiring, .rotationDue])
                #expect(third.allSatisfy { $0.message.hasSuffix("within 1 day") })
                #expect(try await Self.call(client, agingText).status == .ok)
                // Day 90: the aging key is overdue and expires; the short one expired on its own; the others are not due.
                time.advance(milliseconds: 1 * Self.day)
                let overdue = try await sweeper.sweep()
                #expect(overdue.map(\.message) == ["key \(aging.publicID) is overdue for rotation (older than 90 days) and has expired"])
                let refused = try await Self.call(client, agingText)
                #expect(try Self.errorCode(refused) == "key_expired")

                // Day 101: the idle key (never used) is stale and disabled; the admin key, used all along, is not.
                time.advance(milliseconds: 11 * Self.day)
                let stale = try await sweeper.sweep()
                #expect(stale.map(\.kind) == [.stale])
                #expect(stale.first?.message == "key \(idle.publicID) has not been used for 100 days and was disabled")
                let shown = try Self.json(try await Self.call(client, admin, .get, "/v2/keys/\(idle.publicID)"))
                #expect(shown["status"] as? String == "disabled")
                // Enabled again by the administrator: works, and the next sweep leaves it alone.
                let enabled = try await Self.call(client, admin, .post, "/v2/keys/\(idle.publicID)/enable")
                #expect(enabled.status == .ok)
                #expect(try Self.json(enabled)["status"] as? String == "active")
                #expect(try await sweeper.sweep().isEmpty)
                let again = try await Self.call(client, admin, .post, "/v2/keys/\(idle.publicID)/enable")
                #expect(try Self.errorCode(again) == "key_not_disabled")

                let alerts = String(buffer: try await Self.call(client, admin, .get, "/v2/alerts").body)
                for kind in ["rotation_due", "expiring", "stale"] { #expect(alerts.contains("\"kind\":\"\(kind)\"")) }
                let audit = String(buffer: try await Self.call(client, admin, .get, "/v2/audit").body)
                for event in ["rotation_due", "expiring", "disabled", "enabled"] { #expect(audit.contains("\"event\":\"\(event)\"")) }
            }
            // Every alert the first node raised went to the account's webhook, once.
            #expect(
                notified.withLock { $0 }.sorted() == [
                    "expiring", "rotation_due", "rotation_due", "rotation_due", "rotation_due", "rotation_due", "stale",
                ])
        }
    }

    @Test
    func noticesNameOnlyTheLatestThresholdPassed() {
        let policy = KeyPolicy(maxAgeDays: 90, warningDays: [14, 7, 1], expireAtMaxAge: false, staleDays: nil, disableStale: false)
        let day = Self.day
        // A server down from day 70 to day 89 sends the 1-day warning, not three.
        let notices = policy.notices(publicID: "k", secretCreatedAt: 0, expiresAt: nil, lastActiveAt: 0, now: 89 * day)
        #expect(notices.map(\.marker) == ["rotation:1:0"])
        #expect(policy.notices(publicID: "k", secretCreatedAt: 0, expiresAt: nil, lastActiveAt: 0, now: 76 * day).map(\.marker) == ["rotation:14:0"])
        #expect(policy.notices(publicID: "k", secretCreatedAt: 0, expiresAt: nil, lastActiveAt: 0, now: 76 * day - 1).isEmpty)
        // Overdue without expiring: reported, the key left as it is.
        let overdue = policy.notices(publicID: "k", secretCreatedAt: 0, expiresAt: nil, lastActiveAt: 0, now: 90 * day)
        #expect(overdue.first?.expireAt == nil && overdue.first?.message == "key k is overdue for rotation (older than 90 days)")
        // An expiry already past gets no reminder; one ahead gets the latest threshold.
        #expect(KeyPolicy.none.notices(publicID: "k", secretCreatedAt: 0, expiresAt: 10 * day, lastActiveAt: 0, now: 10 * day).isEmpty)
        #expect(
            KeyPolicy.none.notices(publicID: "k", secretCreatedAt: 0, expiresAt: 10 * day, lastActiveAt: 0, now: 9 * day).map(\.marker) == [
                "expiry:1:\(10 * day)"
            ])
    }
}
