/// Every operation `/v2` serves, for the OpenAPI document. `OpenAPITests` holds this table against the router.
enum OpenAPIOperations {
    typealias Operation = OpenAPIDocument.Operation
    typealias Parameter = OpenAPIDocument.Parameter
    typealias Schema = OpenAPIDocument.Schema

    static var all: [Operation] { datapoints + groups + tagsAndDomains + conversionsAndRetargeting + account + keys + webhooks + stats }

    // MARK: Query parameters shared by many lists

    static let day = Schema.string(pattern: "^[0-9]{8}([0-9]{4}([0-9]{2})?)?$")
    static let paging = [
        Parameter(name: "offset", schema: .integer, description: "first item (default 0)"),
        Parameter(name: "limit", schema: .integer, description: "items per page (default 20, at most 1000)"),
    ]
    static let expand = [Parameter(name: "_expand", schema: .boolean, description: "full objects instead of {id, uri}")]
    static let created = [Parameter(name: "createdAfter", schema: day), Parameter(name: "createdBefore", schema: day)]
    static let search = [Parameter(name: "textSearch", schema: .string(), description: "substring; * is ignored")]
    static let datapointFilters =
        [
            Parameter(name: "type", schema: .string(values: ["tl", "tp"])),
            Parameter(name: "status", schema: .string(values: ["active", "paused", "spam", "deleted", "all"])),
            Parameter(name: "tags", schema: .string(), description: "comma-separated tag names"),
            Parameter(name: "onlyFavorites", schema: .boolean),
            Parameter(name: "sortBy", schema: .string(values: ["id", "name", "title", "creationDate"])),
            Parameter(name: "sortDirection", schema: .string(values: ["asc", "desc"])),
        ] + search + created
    static let activeOrDeleted = [Parameter(name: "status", schema: .string(values: ["active", "deleted", "all"]))] + search + created

    // MARK: Request bodies

    static let text = Schema.object(["text": .string()], required: ["text"])
    /// What the server accepts, so generated inputs mostly create things (and stateful runs have data to work on).
    static let name = Schema.string(pattern: "^[A-Za-z0-9][A-Za-z0-9 _-]{0,39}$")
    static let url = Schema.string(pattern: "^https?://[a-z0-9]{1,20}\\.example/[a-z0-9/_-]{0,40}$")
    static let host = Schema.string(pattern: "^[a-z0-9]{1,20}\\.example$")
    static let patch = Schema.object(["action": .string(values: ["add", "remove"]), "id": .integer], required: ["action", "id"])
    static let datapointBody = Schema.ref("DatapointInput")

    static var datapointInput: Schema {
        let item = Schema.object(["url": url], required: ["url"])
        return .object([
            "type": .integers([0, 1]), "name": .string(pattern: "^[A-Za-z0-9_-]{3,30}$"), "title": .string(), "notes": .string(),
            "groupId": .integer, "preferred": .boolean, "encodeIp": .boolean, "status": .integers([0, 1, 3]),
            "typeTL": .object([
                "url": url, "redirectType": .integers([301, 302, 307]), "domainId": .integer, "destinationMode": .integers([0, 1, 3, 4, 8, 9]),
                "randomDestinationItems": .array(item), "sequentialDestinationItems": .array(item), "spilloverDestinationItems": .array(item),
                "weightedDestinationItems": .array(.object(["url": url, "weight": .integers([10, 25, 50, 100])], required: ["url", "weight"])),
                "hideUrl": .boolean, "hideUrlTitle": .string(), "clickIdParameter": .string(pattern: "^[a-z_]{1,20}$"),
                "referrerClean": .integers([0, 1, 2]), "scripts": .array(.object(["id": .integer])),
            ]),
        ])
    }

    static func list(_ extra: [Parameter]) -> [Parameter] { paging + expand + extra }

    /// ClickMeter's pair for every collection: a page of `{id, uri}` (or full objects) and `/count`.
    static func listAndCount(_ path: String, _ tag: String, _ noun: String, _ filters: [Parameter], scope: String) -> [Operation] {
        [
            Operation(
                method: "get", path: path, tag: tag, summary: "List \(noun)", query: list(filters), response: .ref("EntitiesResponse"), scope: scope),
            Operation(
                method: "get", path: path + "/count", tag: tag, summary: "Count \(noun)", query: filters, response: .ref("CountResponse"),
                scope: scope),
        ]
    }

    // MARK: Datapoints and links

    static var datapoints: [Operation] {
        let dp = "datapoints:read"
        let dpw = "datapoints:write"
        return listAndCount("/datapoints", "Datapoints", "datapoints", datapointFilters, scope: "datapoints:read") + [
            Operation(method: "post", path: "/datapoints", tag: "Datapoints", summary: "Create a datapoint", body: datapointBody, scope: dpw),
            Operation(
                method: "put", path: "/datapoints", tag: "Datapoints", summary: "Create a datapoint (alias of POST)", body: datapointBody,
                scope: dpw),
            Operation(
                method: "get", path: "/datapoints/{id}", tag: "Datapoints", summary: "Get a datapoint", response: .ref("Datapoint"), scope: dp),
            Operation(method: "post", path: "/datapoints/{id}", tag: "Datapoints", summary: "Update a datapoint", body: datapointBody, scope: dpw),
            Operation(method: "delete", path: "/datapoints/{id}", tag: "Datapoints", summary: "Delete a datapoint (soft)", scope: dpw),
            Operation(method: "put", path: "/datapoints/{id}/favourite", tag: "Datapoints", summary: "Toggle favourite", scope: dpw),
            Operation(method: "put", path: "/datapoints/{id}/notes", tag: "Datapoints", summary: "Set notes", body: text, scope: dpw),
            Operation(
                method: "put", path: "/datapoints/batch", tag: "Datapoints", summary: "Create many datapoints",
                body: .object(["list": .array(datapointBody)], required: ["list"]), response: .ref("BatchResults"), scope: dpw),
            Operation(
                method: "post", path: "/datapoints/batch", tag: "Datapoints", summary: "Update many datapoints",
                body: .object(["list": .array(datapointBody)], required: ["list"]), response: .ref("BatchResults"), scope: dpw),
            Operation(
                method: "patch", path: "/datapoints/batch", tag: "Datapoints", summary: "Update many datapoints (alias of POST)",
                body: .object(["list": .array(datapointBody)], required: ["list"]), response: .ref("BatchResults"), scope: dpw),
            Operation(
                method: "delete", path: "/datapoints/batch", tag: "Datapoints", summary: "Delete many datapoints",
                body: .object(["entities": .array(.object(["id": .integer, "uri": .string()]))], required: ["entities"]),
                response: .ref("BatchResults"), scope: dpw),
            Operation(
                method: "get", path: "/links", tag: "Datapoints", summary: "List tracking links (the seed's alias)", query: list(datapointFilters),
                response: .ref("EntitiesResponse"), scope: dp),
            Operation(
                method: "get", path: "/links/{id}", tag: "Datapoints", summary: "Get a tracking link", response: .ref("Datapoint"), scope: dp),
        ]
    }

    // MARK: Groups

    static var groups: [Operation] {
        let body = Schema.object(["name": name, "notes": .string(), "preferred": .boolean])
        return listAndCount("/groups", "Groups", "groups", activeOrDeleted, scope: "groups:read") + [
            Operation(method: "post", path: "/groups", tag: "Groups", summary: "Create a group", body: body, scope: "groups:write"),
            Operation(method: "get", path: "/groups/{id}", tag: "Groups", summary: "Get a group", response: .ref("Group"), scope: "groups:read"),
            Operation(method: "post", path: "/groups/{id}", tag: "Groups", summary: "Update a group", body: body, scope: "groups:write"),
            Operation(method: "delete", path: "/groups/{id}", tag: "Groups", summary: "Delete a group (soft)", scope: "groups:write"),
            Operation(method: "put", path: "/groups/{id}/favourite", tag: "Groups", summary: "Toggle favourite", scope: "groups:write"),
            Operation(method: "put", path: "/groups/{id}/notes", tag: "Groups", summary: "Set notes", body: text, scope: "groups:write"),
            Operation(
                method: "get", path: "/groups/{id}/datapoints", tag: "Groups", summary: "List the group's datapoints", query: list(datapointFilters),
                response: .ref("EntitiesResponse"), scope: "datapoints:read"),
            Operation(
                method: "get", path: "/groups/{id}/datapoints/count", tag: "Groups", summary: "Count the group's datapoints",
                query: datapointFilters, response: .ref("CountResponse"), scope: "datapoints:read"),
            Operation(
                method: "post", path: "/groups/{id}/datapoints", tag: "Groups", summary: "Create a datapoint in the group", body: datapointBody,
                scope: "datapoints:write"),
        ]
    }
}
