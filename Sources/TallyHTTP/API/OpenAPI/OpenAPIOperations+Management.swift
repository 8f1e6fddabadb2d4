/// Tags, domains, conversions, retargeting, account, guests: the rest of ClickMeter's management half.
extension OpenAPIOperations {
    static var tagsAndDomains: [Operation] {
        let tagFilters = [
            Parameter(name: "name", schema: .string()), Parameter(name: "datapoints", schema: .string(), description: "comma-separated ids"),
            Parameter(name: "groups", schema: .string(), description: "comma-separated ids"),
            Parameter(name: "type", schema: .string(values: ["tp", "tl", "dp", "gr"])),
        ]
        var operations =
            listAndCount("/tags", "Tags", "tags", tagFilters, scope: "tags:read") + [
                Operation(
                    method: "post", path: "/tags", tag: "Tags", summary: "Create a tag (or find it by name)",
                    body: .object(["name": name, "datapoints": .array(.integer), "groups": .array(.integer)], required: ["name"]),
                    scope: "tags:write"),
                Operation(method: "get", path: "/tags/{id}", tag: "Tags", summary: "Get a tag", response: .ref("Tag"), scope: "tags:read"),
                Operation(method: "delete", path: "/tags/{id}", tag: "Tags", summary: "Delete a tag", scope: "tags:write"),
                Operation(method: "put", path: "/tags/{id}/name", tag: "Tags", summary: "Rename a tag", body: text, scope: "tags:write"),
            ]
        for (collection, filters) in [("datapoints", datapointFilters), ("groups", activeOrDeleted)] {
            operations += [
                Operation(
                    method: "get", path: "/tags/{id}/\(collection)", tag: "Tags", summary: "List tagged \(collection)", query: paging + filters,
                    response: .ref("EntitiesResponse"), scope: "tags:read"),
                Operation(
                    method: "get", path: "/tags/{id}/\(collection)/count", tag: "Tags", summary: "Count tagged \(collection)", query: filters,
                    response: .ref("CountResponse"), scope: "tags:read"),
                Operation(
                    method: "delete", path: "/tags/{id}/\(collection)", tag: "Tags", summary: "Detach the tag from every one of its \(collection)",
                    scope: "tags:write"),
                Operation(
                    method: "put", path: "/tags/{id}/\(collection)/patch", tag: "Tags", summary: "Attach or detach one of \(collection)",
                    body: patch, scope: "tags:write"),
            ]
        }
        let domainFilters = [
            Parameter(name: "type", schema: .string(values: ["system", "go", "personal", "dedicated"])), Parameter(name: "name", schema: .string()),
        ]
        let domainBody = Schema.object(["name": host, "type": .string(values: ["dedicated", "personal"])])
        operations +=
            listAndCount("/domains", "Domains", "domains", domainFilters, scope: "domains:read") + [
                Operation(method: "post", path: "/domains", tag: "Domains", summary: "Add a domain", body: domainBody, scope: "domains:write"),
                Operation(
                    method: "get", path: "/domains/{id}", tag: "Domains", summary: "Get a domain", response: .ref("Domain"), scope: "domains:read"),
                Operation(
                    method: "post", path: "/domains/{id}", tag: "Domains", summary: "Update a domain", body: domainBody, scope: "domains:write"),
                Operation(method: "delete", path: "/domains/{id}", tag: "Domains", summary: "Remove a domain", scope: "domains:write"),
            ]
        return operations
    }

    static var conversionsAndRetargeting: [Operation] {
        let body = Schema.object([
            "name": name, "description": .string(), "value": .number, "protocol": .integers([0, 1]), "notes": .string(),
        ])
        let script = Schema.object(["name": name, "script": .string(pattern: "^<img src=\"https://ads\\.example/[a-z0-9]{1,20}\\.gif\">$")])
        let conversionPatch = Schema.object(
            ["action": .string(values: ["add", "remove", "replace"]), "id": .integer, "replaceId": .integer], required: ["action", "id"])
        return listAndCount("/conversions", "Conversions", "conversions", activeOrDeleted, scope: "conversions:read") + [
            Operation(
                method: "post", path: "/conversions", tag: "Conversions", summary: "Create a conversion", body: body, scope: "conversions:write"),
            Operation(
                method: "get", path: "/conversions/{id}", tag: "Conversions", summary: "Get a conversion", response: .ref("Conversion"),
                scope: "conversions:read"),
            Operation(
                method: "post", path: "/conversions/{id}", tag: "Conversions", summary: "Update a conversion", body: body, scope: "conversions:write"),
            Operation(
                method: "delete", path: "/conversions/{id}", tag: "Conversions", summary: "Delete a conversion (soft)", scope: "conversions:write"),
            Operation(
                method: "put", path: "/conversions/{id}/notes", tag: "Conversions", summary: "Set notes", body: text, scope: "conversions:write"),
            Operation(
                method: "get", path: "/conversions/{id}/datapoints", tag: "Conversions", summary: "List the conversion's datapoints",
                query: list(datapointFilters), response: .ref("EntitiesResponse"), scope: "datapoints:read"),
            Operation(
                method: "get", path: "/conversions/{id}/datapoints/count", tag: "Conversions", summary: "Count the conversion's datapoints",
                query: datapointFilters, response: .ref("CountResponse"), scope: "datapoints:read"),
            Operation(
                method: "put", path: "/conversions/{id}/datapoints/patch", tag: "Conversions", summary: "Attach, detach or replace a datapoint",
                body: conversionPatch, scope: "conversions:write"),
            Operation(
                method: "put", path: "/conversions/{id}/datapoints/batch/patch", tag: "Conversions", summary: "Several datapoint patches at once",
                body: .object(["patchRequests": .array(conversionPatch)], required: ["patchRequests"]), scope: "conversions:write"),
            Operation(
                method: "get", path: "/retargeting", tag: "Retargeting", summary: "List retargeting scripts", query: list([]),
                response: .ref("EntitiesResponse"), scope: "datapoints:read"),
            Operation(
                method: "get", path: "/retargeting/count", tag: "Retargeting", summary: "Count retargeting scripts", response: .ref("CountResponse"),
                scope: "datapoints:read"),
            Operation(
                method: "post", path: "/retargeting", tag: "Retargeting", summary: "Create a retargeting script", body: script,
                scope: "datapoints:write"),
            Operation(
                method: "get", path: "/retargeting/{id}", tag: "Retargeting", summary: "Get a retargeting script",
                response: .ref("RetargetingScript"),
                scope: "datapoints:read"),
            Operation(
                method: "post", path: "/retargeting/{id}", tag: "Retargeting", summary: "Update a retargeting script", body: script,
                scope: "datapoints:write"),
            Operation(
                method: "delete", path: "/retargeting/{id}", tag: "Retargeting", summary: "Delete a script and detach it from its links",
                scope: "datapoints:write"),
            Operation(
                method: "get", path: "/retargeting/{id}/datapoints", tag: "Retargeting", summary: "List the links that fire the script",
                query: list(datapointFilters), response: .ref("EntitiesResponse"), scope: "datapoints:read"),
            Operation(
                method: "get", path: "/retargeting/{id}/datapoints/count", tag: "Retargeting", summary: "Count the links that fire the script",
                query: datapointFilters, response: .ref("CountResponse"), scope: "datapoints:read"),
        ]
    }

    static var account: [Operation] {
        let guest = Schema.object([
            "name": name, "email": .string(pattern: "^[a-z0-9]{1,20}@[a-z0-9]{1,20}\\.example$"), "userName": name, "notes": .string(),
            "extendedGrants": .object(["allowAllGrants": .boolean, "allowGroupCreation": .boolean]),
        ])
        let guestQuery =
            [
                Parameter(name: "sortBy", schema: .string(values: ["id", "name", "email"])),
                Parameter(
                    name: "sortDirection", schema: .string(values: ["asc", "desc"])),
            ] + search
        let permissionQuery = [
            Parameter(name: "entityType", schema: .string(values: ["datapoint", "group"])),
            Parameter(name: "type", schema: .string(values: ["r", "w"])),
            Parameter(name: "entityId", schema: .integer),
        ]
        let permissionPatch = Schema.object(
            ["action": .string(values: ["add", "remove"]), "id": .integer, "verb": .string(values: ["r", "w"])], required: ["action", "id"])
        var operations = [
            Operation(method: "get", path: "/account", tag: "Account", summary: "The account", response: .ref("User"), scope: "account:read"),
            Operation(
                method: "post", path: "/account", tag: "Account", summary: "Update the account",
                body: .object([
                    "companyName": .string(), "firstName": .string(), "lastName": .string(), "timezone": .integer,
                    "timezonename": .string(values: ["UTC", "Europe/Rome", "America/New_York", "Asia/Tokyo"]),
                ]),
                response: .ref("User"), scope: "account:write"),
            Operation(method: "get", path: "/me", tag: "Account", summary: "The account (alias)", response: .ref("User"), scope: "account:read"),
            Operation(method: "get", path: "/account/plan", tag: "Account", summary: "The plan", response: .ref("Plan"), scope: "account:read"),
            Operation(method: "get", path: "/me/plan", tag: "Account", summary: "The plan (alias)", response: .ref("Plan"), scope: "account:read"),
            Operation(
                method: "get", path: "/account/guests", tag: "Guests", summary: "List guests", query: list(guestQuery),
                response: .ref("EntitiesResponse"), scope: "account:read"),
            Operation(
                method: "get", path: "/account/guests/count", tag: "Guests", summary: "Count guests", query: search, response: .ref("CountResponse"),
                scope: "account:read"),
            Operation(
                method: "post", path: "/account/guests", tag: "Guests", summary: "Invite a guest (their key is in the answer, once)", body: guest,
                response: .ref("Guest"), scope: "account:write"),
            Operation(
                method: "get", path: "/account/guests/{id}", tag: "Guests", summary: "Get a guest", response: .ref("Guest"), scope: "account:read"),
            Operation(
                method: "post", path: "/account/guests/{id}", tag: "Guests", summary: "Update a guest", body: guest, response: .ref("Guest"),
                scope: "account:write"),
            Operation(
                method: "delete", path: "/account/guests/{id}", tag: "Guests", summary: "Remove a guest and revoke their keys", scope: "account:write"
            ),
            Operation(
                method: "get", path: "/account/guests/{id}/permissions", tag: "Guests", summary: "What is shared with the guest",
                query: paging + permissionQuery, response: .object(["entities": .array(.ref("Grant"))], required: ["entities"]),
                scope: "account:read"),
            Operation(
                method: "get", path: "/account/guests/{id}/permissions/count", tag: "Guests", summary: "Count the shares", query: permissionQuery,
                response: .ref("CountResponse"), scope: "account:read"),
        ]
        for method in ["post", "put"] {
            operations.append(
                Operation(
                    method: method, path: "/account/guests/{id}/{type}/permissions/patch", tag: "Guests", summary: "Share or stop sharing",
                    body: permissionPatch, scope: "account:write"))
        }
        for (list, schema, member, value) in [
            ("ipblacklist", "IpBlacklistEntry", "ip", Schema.string(pattern: "^10\\.[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,2}$")),
            ("domainwhitelist", "DomainWhitelistEntry", "name", host),
        ] {
            operations += [
                Operation(
                    method: "get", path: "/account/\(list)", tag: "Account", summary: "List \(list) entries", query: paging,
                    response: .object(["entities": .array(.ref(schema))], required: ["entities"]), scope: "account:read"),
                Operation(
                    method: "post", path: "/account/\(list)", tag: "Account", summary: "Add a \(list) entry",
                    body: .object([member: value], required: [member]), response: .ref(schema), scope: "account:write"),
                Operation(
                    method: "delete", path: "/account/\(list)/{id}", tag: "Account", summary: "Remove a \(list) entry", response: .ref(schema),
                    scope: "account:write"),
            ]
        }
        return operations
    }
}
