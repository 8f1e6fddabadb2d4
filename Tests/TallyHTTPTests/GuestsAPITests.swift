import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// Guests: their own key, bounded by per-datapoint and per-group read/write grants, enforced by the same
/// authorization as key scopes and group restrictions.
@Suite struct GuestsAPITests {
    @Test(arguments: TestEngine.available)
    func guestsReachOnlyWhatIsSharedAndWriteOnlyWhatIsSharedForWriting(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, database, key, otherKey in
            try await server.application.test(.live) { client in
                func call(_ uri: String, _ method: HTTPRequest.Method = .get, _ headers: HTTPFields, _ json: String? = nil) async throws
                    -> TestResponse
                {
                    try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
                }
                let group = try #require(try await call("/v2/groups", .post, key, #"{"name":"Shared campaign"}"#).json()["id"] as? Int)
                let inGroup = try #require(
                    try await call("/v2/datapoints", .post, key, #"{"type":0,"name":"ga","groupId":\#(group),"typeTL":{"url":"https://a.example/"}}"#)
                        .json()["id"] as? Int)
                let shared = try #require(
                    try await call("/v2/datapoints", .post, key, #"{"type":0,"name":"gb","typeTL":{"url":"https://b.example/"}}"#).json()["id"]
                        as? Int)
                let privateOne = try #require(
                    try await call("/v2/datapoints", .post, key, #"{"type":1,"name":"gc"}"#).json()["id"] as? Int)

                // The owner invites a guest; the guest's key is in the answer once.
                let invited = try await call(
                    "/v2/account/guests", .post, key, #"{"name":"Agency","email":"agency@example.com","userName":"agency","notes":"Q4"}"#)
                #expect(invited.status == .ok)
                let guestID = try #require(try invited.json()["id"] as? Int)
                let guestKey = try #require(try invited.json()["apiKey"] as? String)
                #expect(guestKey.hasPrefix("ctk_"))
                #expect(try await call("/v2/account/guests/\(guestID)", .get, key).json()["apiKey"] == nil)
                let guest: HTTPFields = [HTTPField.Name("X-Clickmeter-Authkey")!: guestKey]

                // Nothing is shared yet.
                #expect(try await call("/v2/datapoints/count", .get, guest).json()["count"] as? Int == 0)
                #expect(try await call("/v2/datapoints/\(shared)", .get, guest).status == .notFound)

                // Share the group for reading and one datapoint for writing.
                let patchGroup = try await call(
                    "/v2/account/guests/\(guestID)/group/permissions/patch", .put, key, #"{"Action":"add","Id":\#(group),"Verb":"r"}"#)
                #expect(patchGroup.status == .ok)
                let patchedID = try patchGroup.json()["id"] as? Int
                #expect(patchedID == guestID)
                #expect(
                    try await call(
                        "/v2/account/guests/\(guestID)/datapoint/permissions/patch", .post, key, #"{"action":"add","id":\#(shared),"verb":"w"}"#
                    )
                    .status == .ok)

                let visible = try await call("/v2/datapoints", .get, guest).json()["entities"] as? [[String: Any]]
                #expect(visible?.compactMap { $0["id"] as? Int } == [inGroup, shared])
                #expect(try await call("/v2/datapoints/\(privateOne)", .get, guest).status == .notFound)
                #expect(try await call("/v2/datapoints/\(privateOne)", .delete, guest).status == .notFound)
                #expect(
                    (try await call("/v2/groups", .get, guest).json()["entities"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [group])

                // The wire says what each caller may change.
                #expect(try await call("/v2/datapoints/\(inGroup)", .get, guest).json()["writePermited"] as? Bool == false)
                #expect(try await call("/v2/datapoints/\(shared)", .get, guest).json()["writePermited"] as? Bool == true)
                #expect(try await call("/v2/groups/\(group)", .get, guest).json()["writePermited"] as? Bool == false)
                #expect(try await call("/v2/datapoints/\(inGroup)", .get, key).json()["writePermited"] as? Bool == true)
                // Read-only share: visible, but a change is refused with 403; the write share can be changed.
                let refused = try await call("/v2/datapoints/\(inGroup)", .post, guest, #"{"title":"mine now"}"#)
                #expect(refused.status == .forbidden)
                #expect(try DatapointsAPITests.firstError(refused)["code"] as? String == "permission_read_only")
                #expect(try await call("/v2/groups/\(group)/notes", .put, guest, #"{"text":"x"}"#).status == .forbidden)
                #expect(try await call("/v2/datapoints/\(shared)", .post, guest, #"{"title":"by the agency"}"#).status == .ok)
                #expect(try await call("/v2/datapoints/\(shared)", .get, key).json()["title"] as? String == "by the agency")
                // Creating outside a writable group, creating groups, keys and guests: all refused.
                let outside = try await call("/v2/datapoints", .post, guest, #"{"type":0,"typeTL":{"url":"https://x.example/"}}"#)
                #expect(outside.status == .badRequest)
                #expect(try DatapointsAPITests.firstError(outside)["property"] as? String == "GroupId")
                #expect(try await call("/v2/groups", .post, guest, #"{"name":"g2"}"#).status == .forbidden)
                #expect(try await call("/v2/keys", .post, guest, #"{"name":"escape","scopes":["datapoints:read"]}"#).status == .forbidden)
                #expect(try await call("/v2/account/guests", .get, guest).status == .forbidden)

                // Upgrading the group share to write lets the guest change and add to it at once.
                _ = try await call(
                    "/v2/account/guests/\(guestID)/groups/permissions/patch", .put, key, #"{"action":"add","id":\#(group),"verb":"w"}"#)
                #expect(try await call("/v2/datapoints/\(inGroup)", .post, guest, #"{"title":"ok now"}"#).status == .ok)
                let added = try await call(
                    "/v2/groups/\(group)/datapoints", .post, guest, #"{"type":0,"name":"gd","typeTL":{"url":"https://d.example/"}}"#)
                #expect(added.status == .ok)

                // The owner's view of the shares.
                let permissions = try await call("/v2/account/guests/\(guestID)/permissions", .get, key).json()["entities"] as? [[String: Any]]
                #expect(permissions?.count == 2)
                let datapointGrant = permissions?.first { $0["EntityType"] as? String == "Datapoint" }
                #expect(datapointGrant?["Type"] as? String == "Write" && datapointGrant?["DatapointType"] as? String == "tl")
                #expect(datapointGrant?["EntityName"] as? String == "gb")
                #expect((datapointGrant?["Entity"] as? [String: Any])?["uri"] as? String == "/datapoints/\(shared)")
                #expect(
                    try await call("/v2/account/guests/\(guestID)/permissions/count?entityType=group&type=w", .get, key).json()["count"] as? Int == 1)
                let read = try await call("/v2/account/guests/\(guestID)", .get, key).json()
                #expect(read["tlGrants"] as? Int == 1 && read["groupGrants"] as? Int == 1 && read["userName"] as? String == "agency")

                // Removing a share hides it at once.
                _ = try await call("/v2/account/guests/\(guestID)/datapoint/permissions/patch", .put, key, #"{"action":"remove","id":\#(shared)}"#)
                #expect(try await call("/v2/datapoints/\(shared)", .get, guest).status == .notFound)

                // Bad input.
                let badEmail = try await call("/v2/account/guests", .post, key, #"{"name":"x","email":"not-an-address"}"#)
                #expect(badEmail.status == .badRequest)
                #expect(try DatapointsAPITests.firstError(badEmail)["property"] as? String == "Email")
                let duplicate = try await call("/v2/account/guests", .post, key, #"{"name":"y","email":"y@example.com","userName":"agency"}"#)
                #expect(try DatapointsAPITests.firstError(duplicate)["property"] as? String == "UserName")
                let unknown = try await call("/v2/account/guests/\(guestID)/datapoint/permissions/patch", .put, key, #"{"action":"add","id":99999}"#)
                #expect(unknown.status == .badRequest)
                #expect(try DatapointsAPITests.firstError(unknown)["property"] as? String == "Id")
                #expect(
                    try await call("/v2/account/guests/\(guestID)/folder/permissions/patch", .put, key, #"{"action":"add","id":1}"#).status
                        == .badRequest)
                #expect(try await call("/v2/account/guests/\(guestID)", .get, otherKey).status == .notFound)
                #expect(try await call("/v2/account/guests/count", .get, key).json()["count"] as? Int == 1)

                // Deleting the guest revokes their key.
                #expect(try await call("/v2/account/guests/\(guestID)", .delete, key).status == .ok)
                #expect(try await call("/v2/datapoints", .get, guest).status == .unauthorized)
            }
            #expect(try await database.count("guests") == 0)
            #expect(try await database.count("guest_grants") == 0)
        }
    }
}
