import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLKit
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// Two accounts, each with one object of every kind, and the ten callers of `AuthMatrixTests`. Names carry who may
/// see them: `aaqq…` account A's objects every caller of A may see, `hhqq…` A's objects only A's whole-account callers
/// may see, `bbqq…` account B's.
struct AuthMatrixWorld: Sendable {
    enum Caller: String, CaseIterable, Sendable {
        case otherAccount, ipLimited, readOnly, guestRead, groupLimited, guestWrite, guestAll, readWrite, expiring, admin
    }

    let keys: [Caller: String]
    /// Per resource kind: the id of each object kind.
    let ids: [String: [AuthMatrixTests.Object: String]]
    let hiddenDatapoints: [Int]

    func key(_ caller: Caller) -> String { keys[caller]! }

    func id(_ resource: String, _ object: AuthMatrixTests.Object) -> String {
        ids[resource]?[object] ?? "0"
    }

    /// The rules every cell keeps, whatever AuthMatrix.txt pins.
    func violations(
        cell: String, caller: Caller, object: AuthMatrixTests.Object, resource: String?, method: HTTPRequest.Method, _ response: TestResponse
    ) -> [String] {
        let status = Int(response.status.code)
        let text = String(buffer: response.body)
        var broken: [String] = []
        if status >= 500 { broken.append("\(cell): \(status)") }
        if status >= 400, (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) == nil {
            broken.append("\(cell): \(status) without a JSON error body")
        }
        // Refused as the key layer refuses every unusable key (401, code key_address_not_allowed), before any route runs.
        if caller == .ipLimited, status != 401 || (try? APIKeyAuthTests.errorCode(response)) != "key_address_not_allowed" {
            broken.append("\(cell): an address outside the allow-list got \(status)")
        }
        if caller == .readOnly, method != .get, status != 403 { broken.append("\(cell): a read-only key got \(status) on a write") }
        if resource != nil, caller != .ipLimited, (object == .other) != (caller == .otherAccount), ![403, 404].contains(status) {
            broken.append("\(cell): another account's object answered \(status)")
        }
        let limited: Set<Caller> = [.groupLimited, .guestRead, .guestWrite]
        if resource == "datapoint" || resource == "group", limited.contains(caller), object == .own || object == .unshared,
            ![403, 404].contains(status)
        {
            broken.append("\(cell): an unshared object answered \(status)")
        }
        if resource == "datapoint", object == .shared, method == .get, caller != .otherAccount, caller != .ipLimited,
            [401, 403, 404].contains(status)
        {
            broken.append("\(cell): a shared datapoint answered \(status) to a caller who may read it")
        }
        if (200..<300).contains(status) {
            if caller == .otherAccount, text.contains("aaqq") || text.contains("hhqq") { broken.append("\(cell): shows account A's objects") }
            if caller != .otherAccount, text.contains("bbqq") { broken.append("\(cell): shows account B's objects") }
            if limited.contains(caller) {
                if text.contains("hhqq") { broken.append("\(cell): shows an object that was not shared") }
                for id in hiddenDatapoints where ObjectAccessTests.names(id, in: text) {
                    broken.append("\(cell): names the unshared datapoint \(id)")
                }
            }
        }
        return broken
    }

    static func build(_ setup: APIKeyAuthTests.Setup, client: some TestClientProtocol) async throws -> AuthMatrixWorld {
        let accountA = setup.user.accountID
        let userB = try await AccountService(database: setup.database, bcryptCost: 4).createUser(
            email: "bbqq@example.com", password: "another long password", now: 1)
        func generous(_ name: String, _ scopes: APIScopeSet, accountID: Int64, _ shape: (inout KeyService.NewKey) -> Void = { _ in }) async throws
            -> (APIKey, String)
        {
            var new = KeyService.NewKey(name: name, scopes: scopes)
            new.ratePerSecond = 10_000
            new.burst = 100_000
            shape(&new)
            let created = try await setup.createKey(new, accountID: accountID, by: .init(name: "matrix"))
            return (created.key, created.fullKey)
        }
        let (_, adminA) = try await generous("matrix admin", .admin, accountID: accountA)
        let (_, adminB) = try await generous("bbqq admin", .admin, accountID: userB.accountID)
        var (ids, hidden, guestKeys, groupShared) = try await {
            () async throws -> ([String: [AuthMatrixTests.Object: String]], [Int], [Caller: String], Int64) in
            var ids: [String: [AuthMatrixTests.Object: String]] = [:]
            var guestKeys: [AuthMatrixWorld.Caller: String] = [:]
            func post(_ key: String, _ path: String, _ body: String, method: HTTPRequest.Method = .post) async throws -> [String: Any] {
                let response = try await client.execute(
                    uri: path, method: method, headers: [HTTPField.Name("X-ClickMeter-API-Key")!: key, .contentType: "application/json"],
                    body: ByteBuffer(string: body))
                #expect((200..<300).contains(Int(response.status.code)), "\(path) \(body): \(response.status) \(String(buffer: response.body))")
                return try APIKeyAuthTests.json(response)
            }
            // Ids are numbers, except account-list entries' (strings, as ClickMeter sends them).
            func id(_ object: [String: Any]) throws -> String {
                if let text = object["id"] as? String { return text }
                return String(try #require((object["id"] as? NSNumber)?.intValue, "\(object)"))
            }
            func link(_ key: String, _ name: String, group: String?) async throws -> String {
                try id(
                    try await post(
                        key, "/v2/datapoints",
                        #"{"type":0,"name":"\#(name)","typeTL":{"url":"https://shop.example/\#(name)"}"# + (group.map { #","groupId":\#($0)"# } ?? "")
                            + "}"))
            }
            let sharedGroup = try id(try await post(adminA, "/v2/groups", #"{"name":"aaqqgroupshared"}"#))
            let hiddenGroup = try id(try await post(adminA, "/v2/groups", #"{"name":"hhqqgroup"}"#))
            let otherGroup = try id(try await post(adminB, "/v2/groups", #"{"name":"bbqqgroup"}"#))
            ids["group"] = [.shared: sharedGroup, .unshared: hiddenGroup, .other: otherGroup]
            let loose = try await link(adminA, "hhqqloose", group: nil)
            let shared = try await link(adminA, "aaqqshared", group: sharedGroup)
            let unshared = try await link(adminA, "hhqqhidden", group: hiddenGroup)
            let other = try await link(adminB, "bbqqlink", group: otherGroup)
            ids["datapoint"] = [.own: loose, .shared: shared, .unshared: unshared, .other: other]
            for (key, prefix, members) in [(adminA, "aaqq", [shared, unshared]), (adminB, "bbqq", [other])] {
                let conversion = try id(try await post(key, "/v2/conversions", #"{"name":"\#(prefix)conv"}"#))
                let tag = try id(try await post(key, "/v2/tags", #"{"name":"\#(prefix)tag","datapoints":[\#(members.joined(separator: ","))]}"#))
                let script = try id(try await post(key, "/v2/retargeting", #"{"name":"\#(prefix)script","script":"console.log(1)"}"#))
                let guest = try id(
                    try await post(
                        key, "/v2/account/guests", #"{"name":"\#(prefix)guest","email":"\#(prefix)g@example.com","userName":"\#(prefix)g"}"#))
                let blocked = try id(
                    try await post(key, "/v2/account/ipblacklist", #"{"ip":"\#(prefix == "aaqq" ? "203.0.113.7" : "198.51.100.9")"}"#))
                let partner = try id(try await post(key, "/v2/account/domainwhitelist", #"{"name":"\#(prefix).partner.example"}"#))
                let domain = try id(try await post(key, "/v2/domains", #"{"name":"go.\#(prefix).example.com","type":"dedicated"}"#))
                let webhook = try id(
                    try await post(key, "/v2/webhooks", #"{"url":"https://hooks.\#(prefix).example.com/in","events":["link.created"]}"#))
                let object: AuthMatrixTests.Object = prefix == "aaqq" ? .own : .other
                for (kind, value) in [
                    ("conversion", conversion), ("tag", tag), ("script", script), ("guest", guest), ("blacklist", blocked), ("whitelist", partner),
                    ("domain", domain), ("webhook", webhook),
                ] {
                    ids[kind, default: [:]][object] = value
                }
            }
            // Guests of account A: one reads the shared link and group, one may change them, one has everything.
            for (caller, userName, verb) in [(Caller.guestRead, "reader", "r"), (.guestWrite, "writer", "w")] {
                let invited = try await post(
                    adminA, "/v2/account/guests", #"{"name":"\#(userName)","email":"\#(userName)@example.com","userName":"\#(userName)"}"#)
                let guest = try id(invited)
                guestKeys[caller] = try #require(invited["apiKey"] as? String)
                _ = try await post(
                    adminA, "/v2/account/guests/\(guest)/datapoint/permissions/patch", #"{"action":"add","id":\#(shared),"verb":"\#(verb)"}"#)
                _ = try await post(
                    adminA, "/v2/account/guests/\(guest)/group/permissions/patch", #"{"action":"add","id":\#(sharedGroup),"verb":"\#(verb)"}"#)
            }
            let wide = try await post(
                adminA, "/v2/account/guests", #"{"name":"all","email":"all@example.com","userName":"all","extendedGrants":{"allowAllGrants":true}}"#)
            guestKeys[.guestAll] = try #require(wide["apiKey"] as? String)
            return (ids, [Int(loose)!, Int(unshared)!], guestKeys, Int64(sharedGroup)!)
        }()
        for key in guestKeys.values { setup.issued.add(key) }
        let (targetA, _) = try await generous("aaqqkey", .readOnly, accountID: accountA)
        let (targetB, _) = try await generous("bbqqkey", .readOnly, accountID: userB.accountID)
        ids["key"] = [.own: targetA.publicID, .other: targetB.publicID]
        var alerts: [AuthMatrixTests.Object: String] = [:]
        for (object, account, key) in [(AuthMatrixTests.Object.own, accountA, targetA), (.other, userB.accountID, targetB)] {
            let alert = try await setup.database.transaction { db in
                try await db.insert(into: "alerts").columns("account_id", "key_id", "kind", "message", "client_ip", "created_at")
                    .values(account, key.id, "matrix", "a matrix alert", "192.0.2.1", 1).returning("id").first(decodingColumn: "id", as: Int64.self)
            }
            alerts[object] = String(try #require(alert))
        }
        ids["alert"] = alerts
        // Guests' keys were made by the API with the default rate; the matrix sends thousands of requests.
        try await setup.database.transaction { db in
            try await db.raw("UPDATE api_keys SET rate_per_second = 10000, burst = 100000").run()
        }
        var keys = guestKeys
        keys[.otherAccount] = adminB
        keys[.admin] = adminA
        keys[.readOnly] = try await generous("ro", .readOnly, accountID: accountA).1
        keys[.readWrite] = try await generous("rw", .readWrite, accountID: accountA).1
        let sharedGroupID = groupShared
        keys[.groupLimited] = try await generous("north", .admin, accountID: accountA) { $0.groupIDs = [sharedGroupID] }.1
        keys[.ipLimited] = try await generous("ip", .admin, accountID: accountA) { $0.allowedNetworks = [IPNetwork("192.0.2.0/24")!] }.1
        keys[.expiring] = try await generous("exp", .admin, accountID: accountA) { $0.expiresAt = WallClock.system.now() + 86_400_000 }.1
        return AuthMatrixWorld(keys: keys, ids: ids, hiddenDatapoints: hidden)
    }
}
