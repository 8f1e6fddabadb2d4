/// The component schemas: ClickMeter's wire shapes as ClickTally emits them (integers for enums,
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
            // The running ClickMeter API's `rows`, and its document's `entities`, with the same list.
            "RowsResponse": .object(["rows": .array(.anyObject), "entities": .array(.anyObject)], required: ["rows", "entities"]),
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
                    "notes": str, "code": str, "pixelUrl": str, "attribution": .string(values: ["last", "first"]),
                ], required: ["id", "name"]),
            "RetargetingScript": .object(["id": int, "name": str, "script": str], required: ["id", "name", "script"]),
            "Guest": .object(
                [
                    "id": int, "name": str, "email": str, "userName": str, "notes": str, "creationDate": ymdHis,
                    "extendedGrants": .object(["allowAllGrants": bool, "allowGroupCreation": bool]), "tlGrants": int, "tpGrants": int,
                    "groupGrants": int, "loginCount": int, "apiKey": str, "timeZone": int, "language": str, "dateFormat": str,
                    "timeFormat": .string(values: ["AmPm", "H24"]), "decimalSeparator": str, "numberGroupSeparator": str,
                ], required: ["id", "name", "email"]),
            "Grant": .object(
                [
                    "DatapointType": .nullable(.string(values: ["tl", "tp"])), "Entity": .ref("EntityUri"), "EntityName": str,
                    "EntityType": .string(values: ["Datapoint", "Group"]), "Type": .string(values: ["Read", "Write"]),
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
                    "rateLimit": .object(["perSecond": int, "burst": int]), "status": .string(values: ["active", "revoked", "expired", "disabled"]),
                    "createdAt": str, "secretCreatedAt": str, "createdBy": str, "expiresAt": str, "revokedAt": str, "lastUsedAt": str,
                    "lastUsedIp": str,
                    "previousSecretValidUntil": str, "format": str, "key": str,
                    "limits": .array(.object(["name": str, "requests": int, "seconds": int])),
                    "usage": .object(["remaining": int, "refill": .object(["amount": int, "period": str])]),
                ], required: ["id", "name", "scopes", "status"]),
            "Keys": .object(["entities": .array(.ref("Key"))], required: ["entities"]),
            "Webhook": .object(
                ["id": int, "url": str, "events": .array(str), "enabled": .boolean, "createdAt": str, "createdBy": str, "secret": str],
                required: ["id", "url", "events", "enabled"]),
            "Webhooks": .object(["entities": .array(.ref("Webhook"))], required: ["entities"]),
            "WebhookEvents": .object(
                [
                    "entities": .array(
                        .object([
                            "id": str, "event": str, "subject": str, "createdAt": str, "attempts": int,
                            "state": .string(values: ["pending", "delivered", "failed"]), "deliveredAt": str,
                        ]))
                ], required: ["entities"]),
            "WebhookDeliveries": .object(
                [
                    "entities": .array(
                        .object(["event": str, "eventId": str, "attemptedAt": str, "statusCode": int, "latencyMs": int, "error": str]))
                ], required: ["entities"]),
            // Any number of days comes back (the request's examples, in `OpenAPIOperations.keys`, are only examples).
            "KeyPolicy": .object([
                "maxAgeDays": .nullable(int), "warningDays": .array(int), "expireAtMaxAge": .boolean, "staleDays": .nullable(int),
                "disableStale": .boolean,
            ]),
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
        for (name, schema) in statistics { schemas[name] = schema }
        return schemas
    }

    /// ClickMeter's statistics shapes and ClickTally's conversion event answer.
    static var statistics: [String: Schema] {
        let money = Schema.number
        var aggregatedMembers: [String: Schema] = [
            "entityId": str, "fromDay": ymdHis, "toDay": ymdHis, "activityDay": ymdHis, "totalClicks": int, "uniqueClicks": int, "totalViews": int,
            "uniqueViews": int, "spiderHitsCount": int, "conversionsCount": int, "uniqueConversions": int, "convertedClicks": int,
            "uniqueConvertedClicks": int, "conversionsValue": money, "commissionsCost": money, "conversionsCost": money, "lastHitDate": ymdHis,
            "entityData": .anyObject,
        ]
        aggregatedMembers["hourlyBreakDown"] = .anyObject
        let conversionInfo = Schema.object([
            "id": int, "name": str, "accessTime": ymdHis, "date": ymdHis, "value": money, "comcost": money, "cost": money, "parameter": str,
            "deleted": bool,
        ])
        var hitMembers: [String: Schema] = [
            "id": str, "accessTime": ymdHis, "type": .string(values: ["click", "view"]), "ip": str, "isSpider": .string(values: ["true", "false"]),
            "isUnique": .string(values: ["true", "false"]), "isProxy": str, "spiderReason": str, "referer": str, "queryParams": str,
            "clientLanguage": str, "userAgent": str, "org": str, "realDestinationUrl": str,
            "browser": .object(["browserType": str, "familyId": int, "familyName": str, "id": int, "name": str]),
            "os": .object(["familyId": int, "familyName": str, "id": int, "name": str]),
            "source": .object(["id": int, "name": str, "param": str]),
            "location": .object(["country": str, "region": str, "regionName": str, "city": str]),
            "entity": .object([
                "datapointId": int, "datapointName": str, "datapointTitle": str,
                "datapointType": .string(values: ["TrackingLink", "TrackingPixel"]), "destinationUrl": str, "groupId": int,
                "groupName": str, "status": int, "trackingCode": str, "notes": str, "datapointFavourite": bool, "creationDate": ymdHis,
                "tags": .array(.object(["id": int, "name": str], required: ["id", "name"])), "isABTest": bool, "isPrivateShared": bool,
                "isPublic": bool,
            ]),
            "conversions": .array(conversionInfo),
        ]
        for slot in 1...5 { hitMembers["conversion\(slot)"] = conversionInfo }
        let topItem = Schema.object(
            [
                "id": str, "lastHitDate": ymdHis, "totalHits": int, "totalClicks": int, "totalViews": int, "uniqueHits": int, "uniqueClicks": int,
                "uniqueViews": int, "spiderHits": int, "spiderClicks": int, "spiderViews": int, "totalConversions": int,
                "totalConversionsValue": money, "totalConversionsCost": money, "totalCommissionsCost": money, "entityData": .anyObject,
            ], required: ["id"])
        return [
            "AggregatedResult": .object(aggregatedMembers, required: ["entityId", "fromDay", "toDay", "totalClicks", "totalViews"]),
            "AggregatedSummaryResult": .object(
                ["count": int, "limit": int, "offset": int, "fromDay": ymdHis, "toDay": ymdHis, "result": .array(.ref("AggregatedResult"))],
                required: ["count", "limit", "offset", "result"]),
            "Hit": .object(hitMembers, required: ["id", "accessTime", "type"]),
            "HitListPage": .object(["hits": .array(.ref("Hit")), "lastKey": str], required: ["hits"]),
            "Top": .object(["key": str, "createdAt": ymdHis, "data": .array(topItem)], required: ["key", "data"]),
            "ConversionEvent": .object(
                [
                    "id": int, "conversionId": int, "datapointId": int, "credited": bool, "unique": bool, "convertedClick": bool, "duplicate": bool,
                    "value": money, "commission": money,
                ], required: ["conversionId", "credited", "duplicate"]),
        ]
    }

    static var datapoint: Schema {
        let item = Schema.object(["url": str], required: ["url"])
        var members: [String: Schema] = [
            "id": int, "name": str, "title": str, "notes": str, "preferred": bool, "status": .integer, "type": .integer,
            "creationDate": ymdHis, "trackingCode": str, "groupId": int, "groupName": str, "encodeIp": bool, "isPublic": bool, "writePermited": bool,
            "tags": .array(.object(["id": int, "name": str], required: ["id", "name"])),
            "typeTL": .object([
                "url": str, "firstUrl": str, "redirectType": .integer, "destinationMode": .integer, "domainId": int, "hideUrl": bool,
                "hideUrlTitle": str,
                "clickIdParameter": str,
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
