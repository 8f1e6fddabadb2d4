import Foundation
import Hummingbird
import TallyCore

/// A datapoint in ClickMeter's `Datapoints.Datapoint` shape, integers for enums.
struct DatapointWire: ResponseEncodable {
    let id: Int64
    let name: String
    let title: String
    let notes: String
    let preferred: Bool
    /// 0 active, 1 paused, 2 abuse, 3 deleted.
    let status: Int
    /// 0 tracking link, 1 tracking pixel.
    let type: Int
    let creationDate: String
    let trackingCode: String
    let groupId: Int64?
    /// The group's name beside its id, as the running API sent it.
    let groupName: String?
    let encodeIp: Bool
    let isPublic: Bool
    let writePermited: Bool
    let tags: [TagWire]
    let typeTL: TrackingLinkWire?
    let typeTP: TrackingPixelWire?
    // The five conversion slots, omitted when empty as ClickMeter omits default members.
    var firstConversionId: Int64?
    var firstConversionName: String?
    var secondConversionId: Int64?
    var secondConversionName: String?
    var thirdConversionId: Int64?
    var thirdConversionName: String?
    var fourthConversionId: Int64?
    var fourthConversionName: String?
    var fifthConversionId: Int64?
    var fifthConversionName: String?

    struct TagWire: Codable { let id: Int64, name: String }

    struct TrackingLinkWire: Codable {
        let url: String
        /// The first destination: `url` for a simple link, the first item of a rotator.
        let firstUrl: String
        let redirectType: Int
        let destinationMode: Int
        let domainId: Int64
        let hideUrl: Bool?
        let hideUrlTitle: String?
        let referrerClean: Int?
        let randomDestinationItems: [DestinationItem]?
        let sequentialDestinationItems: [DestinationItem]?
        let spilloverDestinationItems: [DestinationItem]?
        let weightedDestinationItems: [WeightedItem]?
        let scripts: [ScriptItem]?
        let isABTest: Bool?
        let clickIdParameter: String?
    }

    struct TrackingPixelWire: Codable { let parameterNote: String }

    init(
        _ datapoint: Datapoint, trackingCode: String, tags: [TagWire] = [], scripts: [RetargetingScript] = [], conversions: [Conversion] = [],
        writePermited: Bool = true, groupName: String? = nil
    ) {
        id = datapoint.id
        name = datapoint.name
        title = datapoint.title
        notes = datapoint.notes
        preferred = datapoint.isFavourite
        status = datapoint.status.rawValue
        type = datapoint.type.rawValue
        creationDate = ClickMeterDate.format(datapoint.createdAt)
        self.trackingCode = trackingCode
        groupId = datapoint.groupID
        self.groupName = datapoint.groupID == nil ? nil : groupName ?? ""
        encodeIp = datapoint.encodeIP
        isPublic = false
        self.writePermited = writePermited
        self.tags = tags
        switch datapoint.type {
        case .trackingLink:
            typeTL = TrackingLinkWire(datapoint, scripts: scripts)
            typeTP = nil
        case .trackingPixel:
            typeTL = nil
            typeTP = TrackingPixelWire(parameterNote: "")
        }
        let slots = conversions.prefix(Conversion.maximumPerDatapoint).map { ($0.id, $0.name) }
        if slots.count > 0 { (firstConversionId, firstConversionName) = slots[0] }
        if slots.count > 1 { (secondConversionId, secondConversionName) = slots[1] }
        if slots.count > 2 { (thirdConversionId, thirdConversionName) = slots[2] }
        if slots.count > 3 { (fourthConversionId, fourthConversionName) = slots[3] }
        if slots.count > 4 { (fifthConversionId, fifthConversionName) = slots[4] }
    }
}

/// `{"id": 42, "uri": "/datapoints/42"}`: what lists, creates, updates and deletes answer.
struct EntityURI: ResponseEncodable {
    let id: Int64
    let uri: String

    init(_ collection: String, _ id: Int64) {
        self.id = id
        self.uri = "/\(collection)/\(id)"
    }
}

struct CountWire: ResponseEncodable { let count: Int }
