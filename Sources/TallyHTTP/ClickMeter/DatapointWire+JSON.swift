import TallyCore

// The hand-written JSON of the datapoint's wire types, member for member in their declaration order: what their
// synthesised `Encodable` gives `JSONEncoder` (`DatapointWireJSONTests` compares the two on every member).
extension DatapointWire: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("id", id)
            json.member("name", name)
            json.member("title", title)
            json.member("notes", notes)
            json.member("preferred", preferred)
            json.member("status", status)
            json.member("type", type)
            json.member("creationDate", creationDate)
            json.member("trackingCode", trackingCode)
            json.member("groupId", ifPresent: groupId)
            json.member("groupName", ifPresent: groupName)
            json.member("encodeIp", encodeIp)
            json.member("isPublic", isPublic)
            json.member("writePermited", writePermited)
            json.member("tags", tags)
            json.member("typeTL", ifPresent: typeTL)
            json.member("typeTP", ifPresent: typeTP)
            json.member("firstConversionId", ifPresent: firstConversionId)
            json.member("firstConversionName", ifPresent: firstConversionName)
            json.member("secondConversionId", ifPresent: secondConversionId)
            json.member("secondConversionName", ifPresent: secondConversionName)
            json.member("thirdConversionId", ifPresent: thirdConversionId)
            json.member("thirdConversionName", ifPresent: thirdConversionName)
            json.member("fourthConversionId", ifPresent: fourthConversionId)
            json.member("fourthConversionName", ifPresent: fourthConversionName)
            json.member("fifthConversionId", ifPresent: fifthConversionId)
            json.member("fifthConversionName", ifPresent: fifthConversionName)
        }
    }
}

extension DatapointWire.TagWire: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("id", id)
            json.member("name", name)
        }
    }
}

extension DatapointWire.TrackingPixelWire: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.object { json in json.member("parameterNote", parameterNote) }
    }
}

extension DatapointWire.TrackingLinkWire: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("url", url)
            json.member("firstUrl", firstUrl)
            json.member("redirectType", redirectType)
            json.member("destinationMode", destinationMode)
            json.member("domainId", domainId)
            json.member("hideUrl", ifPresent: hideUrl)
            json.member("hideUrlTitle", ifPresent: hideUrlTitle)
            json.member("referrerClean", ifPresent: referrerClean)
            json.member("randomDestinationItems", ifPresent: randomDestinationItems)
            json.member("sequentialDestinationItems", ifPresent: sequentialDestinationItems)
            json.member("spilloverDestinationItems", ifPresent: spilloverDestinationItems)
            json.member("weightedDestinationItems", ifPresent: weightedDestinationItems)
            json.member("scripts", ifPresent: scripts)
            json.member("isABTest", ifPresent: isABTest)
            json.member("clickIdParameter", ifPresent: clickIdParameter)
        }
    }
}

extension DatapointWire.TrackingLinkWire.DestinationItem: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.object { json in json.member("url", url) }
    }
}

extension DatapointWire.TrackingLinkWire.WeightedItem: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("url", url)
            json.member("weight", weight)
        }
    }
}

extension DatapointWire.TrackingLinkWire.ScriptItem: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("id", id)
            json.member("name", name)
        }
    }
}

extension EntityURI: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("id", id)
            json.member("uri", uri)
        }
    }
}
