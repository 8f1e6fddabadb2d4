/// The component schemas: ClickMeter's wire shapes (reference §2) as ClickTally emits them (integers for enums,
/// `YYYYMMDDHHmmss` dates), and ClickTally's key-management shapes. Members are not `required` unless always
/// present, as ClickMeter omits default members.
enum OpenAPISchemas {
    typealias Schema = OpenAPIDocument.Schema

    static let ymdHis = Schema.string(pattern: "^[0-9]{14}$")
    static let int = Schema.integer
    static let str = Schema.string()
    static let bool = Schema.boolean

    static var all: [String: Schema] {
        var schemas: [String: Schema] = [
            "EntityUri": .object(["id": int, "uri": str], required: ["id", "uri"]),
            "EntitiesResponse": .object(["entities": .array(.anyObject)], required: ["entities"]),
            "CountResponse": .object(["count": int], required: ["count"]),
            "Error": .object(
                [
                    "errorCode": int,
                    "errors": .array(
                        .object(["property": str, "errorMessage": str, "errorValue": .nullable(str), "code": str], required: ["errorMessage"])),
                ], required: ["errorCode", "errors"]),
            "Tag": .object(["id": int, "name": str, "datapoints": .array(int), "groups": .array(int)], required: ["id", "name"]),
            "Group": .object(
                [
                    "id": int, "name": str, "notes": str, "preferred": bool, "deleted": bool, "creationDate": ymdHis, "isPublic": bool,
                    "redirectOnly": bool, "writePermited": bool, "tags": .array(.object(["id": int, "name": str])),
                ], required: ["id", "name"]),
            "Domain": .object(
                ["id": int, "name": str, "type": .integer, "custom404": str, "customHomepage": str], required: ["id", "name", "type"]),
            "Conversion": .object(
                [
                    "id": int, "name": str, "description": str, "value": .number, "protocol": int, "deleted": bool, "creationDate": ymdHis,
                    "notes": str,
                ], required: ["id", "name"]),
            "RetargetingScript": .object(["id": int, "name": str, "script": str], required: ["id", "name", "script"]),
            "Guest": .object(
                [
                    "id": int, "name": str, "email": str, "userName": str, "notes": str, "creationDate": ymdHis,
                    "extendedGrants": .object(["allowAllGrants": bool, "allowGroupCreation": bool]), "tlGrants": int, "tpGrants": int,
                    "groupGrants": int, "loginCount": int, "apiKey": str,
                ], required: ["id", "name", "email"]),
            "Grant": .object(
                [
                    "DatapointType": .nullable(.string(values: ["tl", "tp"])), "Entity": .ref("EntityUri"), "EntityName": str,
                    "EntityType": .string(values: ["datapoint", "group"]), "Type": .string(values: ["r", "w"]),
                ], required: ["Entity", "EntityType", "Type"]),
            "User": .object(
                [
                    "email": str, "companyName": str, "companyRole": str, "firstName": str, "lastName": str, "phone": str, "redirectOnly": bool,
                    "registrationDate": ymdHis, "timeframeMinDate": ymdHis, "timezone": int, "timezonename": str, "bonusClicks": int,
                    "boGoVal": str,
                ]),
            "Plan": .object(
                [
                    "name": str, "price": .number, "profileId": int, "recurring": bool, "recurringPeriod": int, "billingPeriodStart": ymdHis,
                    "billingPeriodEnd": ymdHis, "maximumDatapoints": int, "maximumGuests": int, "monthlyEvents": int,
                    "bonusMonthlyEvents": int, "allowedPersonalDomains": int, "allowedPersonalUrls": int, "usedDatapoints": int,
                    "usedMonthlyEvents": int,
                ]),
            "IpBlacklistEntry": .object(["id": str, "ip": str], required: ["id", "ip"]),
            "DomainWhitelistEntry": .object(["id": str, "name": str], required: ["id", "name"]),
            "BatchResults": .object(
                [
                    "results": .array(
                        .object(
                            [
                                "result": .ref("EntityUri"), "entityData": .ref("Datapoint"), "status": str,
                                "errors": .array(.object(["property": str, "errorMessage": str, "code": str])),
                            ], required: ["status", "errors"]))
                ], required: ["results"]),
            "Key": .object(
                [
                    "id": str, "name": str, "lastFour": str, "scopes": .array(str), "groups": .array(int), "allowedNetworks": .array(str),
                    "rateLimit": .object(["perSecond": int, "burst": int]), "status": .string(values: ["active", "revoked", "expired"]),
                    "createdAt": str, "createdBy": str, "expiresAt": str, "revokedAt": str, "lastUsedAt": str, "lastUsedIp": str,
                    "previousSecretValidUntil": str, "format": str, "key": str,
                ], required: ["id", "name", "scopes", "status"]),
            "Keys": .object(["entities": .array(.ref("Key"))], required: ["entities"]),
            "KeyUsage": .object(
                ["entities": .array(.object(["time": str, "route": str, "status": str, "count": int]))], required: ["entities"]),
            "KeyRequests": .object(
                [
                    "entities": .array(
                        .object([
                            "time": str, "method": str, "route": str, "status": int, "latencyUs": int, "clientIp": str, "keyInQuery": bool,
                            "previousSecret": bool,
                        ])),
                    "lastKey": str,
                ], required: ["entities"]),
            "Alerts": .object(
                [
                    "entities": .array(
                        .object(["id": int, "kind": str, "message": str, "clientIp": str, "createdAt": str, "acknowledged": bool]))
                ], required: ["entities"]),
            "Audit": .object(
                ["entities": .array(.object(["event": str, "actor": str, "clientIp": str, "details": str, "createdAt": str]))],
                required: ["entities"]),
        ]
        schemas["Datapoint"] = datapoint
        schemas["DatapointInput"] = OpenAPIOperations.datapointInput
        return schemas
    }

    static var datapoint: Schema {
        let item = Schema.object(["url": str], required: ["url"])
        var members: [String: Schema] = [
            "id": int, "name": str, "title": str, "notes": str, "preferred": bool, "status": .integer, "type": .integer,
            "creationDate": ymdHis, "trackingCode": str, "groupId": int, "encodeIp": bool, "isPublic": bool, "writePermited": bool,
            "tags": .array(.object(["id": int, "name": str], required: ["id", "name"])),
            "typeTL": .object([
                "url": str, "redirectType": .integer, "destinationMode": .integer, "domainId": int, "hideUrl": bool, "hideUrlTitle": str,
                "referrerClean": .integer, "randomDestinationItems": .array(item), "sequentialDestinationItems": .array(item),
                "spilloverDestinationItems": .array(item),
                "weightedDestinationItems": .array(.object(["url": str, "weight": int], required: ["url", "weight"])),
                "scripts": .array(.object(["id": int, "name": str], required: ["id"])), "isABTest": bool,
            ]),
            "typeTP": .object(["parameterNote": str]),
        ]
        for slot in ["first", "second", "third", "fourth", "fifth"] {
            members["\(slot)ConversionId"] = int
            members["\(slot)ConversionName"] = str
        }
        return .object(members, required: ["id", "name", "type", "status"])
    }
}
