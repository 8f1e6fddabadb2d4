import Foundation
import TallyCore

/// A datapoint in ClickMeter's summary vocabulary (the document's `HitDatapointInfo`): a hit's `entity`, and what
/// a datapoint's `entityData` adds to the datapoint. The running API sent `datapointType` as a string
/// (`TrackingLink`, `TrackingPixel`) here, though a datapoint's own `type` is a number; `status` is the number in both.
struct DatapointInfoWire: Encodable, Sendable {
    let datapointId: Int64
    let datapointName: String
    let datapointTitle: String
    let datapointType: String
    let datapointFavourite: Bool
    let destinationUrl: String
    let groupId: Int64?
    let groupName: String?
    let status: Int
    let trackingCode: String
    let notes: String
    let creationDate: String
    let tags: [DatapointWire.TagWire]
    let isABTest: Bool
    let isPrivateShared: Bool
    let isPublic: Bool

    static let typeNames = ["TrackingLink", "TrackingPixel"]

    init(_ wire: DatapointWire) {
        datapointId = wire.id
        datapointName = wire.name
        datapointTitle = wire.title
        datapointType = Self.typeNames[wire.type]
        datapointFavourite = wire.preferred
        destinationUrl = wire.typeTL?.url ?? ""
        groupId = wire.groupId
        groupName = wire.groupName
        status = wire.status
        trackingCode = wire.trackingCode
        notes = wire.notes
        creationDate = wire.creationDate
        tags = wire.tags
        isABTest = wire.typeTL?.isABTest ?? false
        // ClickTally shares datapoints with guests by grant, never by a public link.
        isPrivateShared = false
        isPublic = wire.isPublic
    }
}

/// The entity an aggregated result or a summary row is about (ClickMeter's free-form `entityData`). The running API
/// described it in the summary vocabulary (`datapointName`, `groupName`, `linksCount`, a conversion's `date`); ClickTally
/// sends that and, in the same object, the entity's ordinary members (`id`, `name`, …), which never clash with it.
enum EntityData: Encodable, Sendable {
    case datapoint(DatapointWire)
    case group(GroupsController.GroupWire, linksCount: Int)
    case conversion(ConversionsController.ConversionWire)

    private enum Keys: String, CodingKey {
        case groupId, groupName, linksCount, isPrivateShared, date
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .datapoint(let wire):
            try wire.encode(to: encoder)
            try DatapointInfoWire(wire).encode(to: encoder)
        case .group(let wire, let linksCount):
            try wire.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(wire.id, forKey: .groupId)
            try container.encode(wire.name, forKey: .groupName)
            try container.encode(linksCount, forKey: .linksCount)
            try container.encode(false, forKey: .isPrivateShared)
        case .conversion(let wire):
            try wire.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(wire.creationDate, forKey: .date)
        }
    }
}
