import Foundation

/// What `WireShapeTests` sends to each operation so that it succeeds: the path with the account's own objects in
/// it, the query a statistics route needs, and a valid body for every write.
struct WireShapeBodies {
    let world: AuthMatrixWorld

    init(_ world: AuthMatrixWorld) { self.world = world }

    /// The link in a group, with a tag; the other one is deleted at the end.
    var link: String { world.id("datapoint", .shared) }
    var otherLink: String { world.id("datapoint", .own) }
    var group: String { world.id("group", .shared) }

    func path(_ route: String) -> String {
        let parts = route.split(separator: " ")
        var path = String(parts[1]).replacingOccurrences(of: ":type", with: "datapoint")
        if let resource = AuthMatrixTests.resource(of: route) {
            let id =
                switch resource {
                case "datapoint": route.hasPrefix("DELETE") ? otherLink : link
                case "group": group
                default: world.id(resource, .own)
                }
            path = path.replacingOccurrences(of: ":id", with: id)
        }
        var query: [String] = []
        if path.contains("aggregated") || path.hasSuffix("/hits") || path.hasSuffix("/reports") { query.append("timeFrame=last7") }
        if path.hasSuffix("/reports") { query.append(path.hasPrefix("/v2/conversions") ? "type=datapoints" : "type=browsers") }
        if path.hasSuffix("summary/datapoints") || path.hasSuffix("datapoints/aggregated") || path.hasSuffix("datapoints/aggregated/list") {
            query.append("type=tl")
        }
        if ["/v2/datapoints", "/v2/groups", "/v2/domains", "/v2/account/guests", "/v2/retargeting", "/v2/conversions", "/v2/tags"].contains(path),
            parts[0] == "GET"
        {
            query.append("_expand=true")
        }
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    }

    func body(_ route: String) -> String {
        switch route {
        case "POST /v2/account": return #"{"companyName":"aaqq shapes"}"#
        case "POST /v2/account/domainwhitelist": return #"{"name":"aaqq.shape.example"}"#
        case "POST /v2/account/guests": return #"{"name":"aaqqshape","email":"aaqqshape@example.com","userName":"aaqqshape","timeZone":5}"#
        case "POST /v2/account/guests/:id": return #"{"notes":"aaqq notes","language":"it","timeFormat":"H24"}"#
        case "POST /v2/account/guests/:id/:type/permissions/patch", "PUT /v2/account/guests/:id/:type/permissions/patch":
            return #"{"action":"add","id":\#(link),"verb":"rw"}"#
        case "POST /v2/account/ipblacklist": return #"{"ip":"192.0.2.99"}"#
        case "POST /v2/conversions": return #"{"name":"aaqqshapeconv","value":2.5}"#
        case "POST /v2/conversions/:id": return #"{"description":"aaqq goal"}"#
        case "POST /v2/datapoints": return #"{"type":0,"name":"aaqqshape1","typeTL":{"url":"https://shop.example/1"}}"#
        case "PUT /v2/datapoints": return #"{"type":"TL","name":"aaqqshape2","typeTL":{"url":"https://shop.example/2","redirectType":301}}"#
        case "POST /v2/datapoints/:id": return #"{"title":"aaqq title","name":"aaqqshared"}"#
        case "PUT /v2/datapoints/batch": return #"{"list":[{"type":0,"name":"aaqqbatch","typeTL":{"url":"https://shop.example/b"}}]}"#
        case "POST /v2/datapoints/batch", "PATCH /v2/datapoints/batch": return #"{"list":[{"id":\#(link),"notes":"aaqq batch"}]}"#
        case "DELETE /v2/datapoints/batch": return #"{"entities":[{"id":\#(otherLink)}]}"#
        case "POST /v2/domains": return #"{"name":"go2.aaqq.example.com","type":"personal"}"#
        case "POST /v2/domains/:id": return #"{"name":"go.aaqq.example.com"}"#
        case "POST /v2/groups": return #"{"name":"aaqqshapegroup"}"#
        case "POST /v2/groups/:id": return #"{"notes":"aaqq"}"#
        case "POST /v2/groups/:id/datapoints": return #"{"type":0,"name":"aaqqingroup","typeTL":{"url":"https://shop.example/g"}}"#
        case "POST /v2/retargeting": return #"{"name":"aaqqshapescript","script":"console.log(2)"}"#
        case "POST /v2/retargeting/:id": return #"{"name":"aaqqscript2"}"#
        case "POST /v2/tags": return #"{"name":"aaqqshapetag","datapoints":[\#(link)]}"#
        case "PUT /v2/conversions/:id/datapoints/patch": return #"{"action":"add","id":\#(link)}"#
        case "PUT /v2/conversions/:id/datapoints/batch/patch": return #"{"patchRequests":[{"action":"add","id":\#(otherLink)}]}"#
        case "PUT /v2/conversions/:id/notes", "PUT /v2/datapoints/:id/notes", "PUT /v2/groups/:id/notes": return #"{"text":"aaqq notes"}"#
        case "PUT /v2/tags/:id/datapoints/patch": return #"{"action":"add","id":\#(otherLink)}"#
        case "PUT /v2/tags/:id/groups/patch": return #"{"action":"add","id":\#(group)}"#
        case "PUT /v2/tags/:id/name": return #"{"text":"aaqqrenamed"}"#
        default: return "{}"
        }
    }
}
