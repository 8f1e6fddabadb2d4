import Foundation
import TallyCore
import TallyStorage

/// ClickMeter's `ClickStream.Hit`. `isSpider`, `isUnique` and `isProxy` are strings on the wire.
struct HitWire: Encodable, Sendable {
    struct Browser: Encodable, Sendable {
        let browserType: String
        let familyId: Int64
        let familyName: String
        let id: Int64
        let name: String
    }

    struct OS: Encodable, Sendable {
        let familyId: Int64
        let familyName: String
        let id: Int64
        let name: String
    }

    struct Source: Encodable, Sendable {
        let id: Int64
        let name: String
        let param: String
    }

    struct Location: Encodable, Sendable {
        let country: String
        let region: String
        let regionName: String
        let city: String
    }

    struct ConversionInfo: Encodable, Sendable {
        let id: Int64
        let name: String
        let accessTime: String
        let date: String
        let value: Double
        let comcost: Double
        let cost: Double
        let parameter: String
        let deleted: Bool
    }

    let id: String
    let accessTime: String
    let type: String
    let ip: String
    let isSpider: String
    let isUnique: String
    let isProxy: String
    let spiderReason: String?
    let referer: String
    let queryParams: String
    let clientLanguage: String
    let userAgent: String
    let browser: Browser
    let os: OS
    let source: Source
    let location: Location
    let entity: DatapointInfoWire?
    let conversions: [ConversionInfo]
    let conversion1: ConversionInfo?
    let conversion2: ConversionInfo?
    let conversion3: ConversionInfo?
    let conversion4: ConversionInfo?
    let conversion5: ConversionInfo?
    let org: String
    let realDestinationUrl: String

    /// Source ids: 0 direct, 1 search, 2 social, 3 email, 4 other (ClickMeter's `sourceId` is an enum of common sources).
    static let sourceIDs = ["direct": 0, "search": 1, "social": 2, "email": 3, "other": 4]

    init(_ hit: StoredHit, datapoint: DatapointWire?, conversions: [(ClickConversion, Conversion?)]) {
        id = "\(hit.id)"
        accessTime = ClickMeterDate.format(hit.time)
        type = hit.kind == .click ? "click" : "view"
        ip = hit.ip
        isSpider = hit.isSpider ? "true" : "false"
        isUnique = hit.isUnique ? "true" : "false"
        isProxy = "false"
        spiderReason = hit.isSpider ? hit.spiderReason : nil
        referer = hit.referrer
        queryParams = hit.query
        clientLanguage = hit.language
        userAgent = hit.userAgent
        browser = Browser(
            browserType: hit.deviceType, familyId: 0, familyName: hit.browser, id: 0, name: StatsDimension.major(hit.browser, hit.browserVersion))
        os = OS(familyId: 0, familyName: hit.os, id: 0, name: StatsDimension.major(hit.os, hit.osVersion))
        source = Source(id: Int64(Self.sourceIDs[hit.source] ?? 4), name: hit.source, param: hit.referrerDomain)
        location = Location(country: hit.country, region: hit.region, regionName: hit.region, city: hit.city)
        entity = datapoint.map(DatapointInfoWire.init)
        let infos = conversions.map { event, conversion in
            ConversionInfo(
                id: event.conversionID, name: conversion?.name ?? "", accessTime: ClickMeterDate.format(event.time),
                date: ClickMeterDate.format(event.time),
                value: event.value, comcost: event.commission, cost: event.commission, parameter: event.parameters,
                deleted: conversion?.isDeleted ?? false)
        }
        self.conversions = infos
        conversion1 = infos.count > 0 ? infos[0] : nil
        conversion2 = infos.count > 1 ? infos[1] : nil
        conversion3 = infos.count > 2 ? infos[2] : nil
        conversion4 = infos.count > 3 ? infos[3] : nil
        conversion5 = infos.count > 4 ? infos[4] : nil
        org = ""
        realDestinationUrl = datapoint?.typeTL?.url ?? ""
    }

    static let csvHeader = [
        "id", "accessTime", "type", "datapointId", "datapointName", "ip", "isUnique", "isSpider", "spiderReason", "country", "region", "city",
        "browser", "os", "device", "referer", "source", "language", "queryParams", "conversions",
    ]

    var csvRow: [String] {
        [
            id, accessTime, type, entity.map { "\($0.datapointId)" } ?? "", entity?.datapointName ?? "", ip, isUnique, isSpider, spiderReason ?? "",
            location.country, location.region, location.city, browser.name, os.name, browser.browserType, referer, source.name, clientLanguage,
            queryParams, "\(conversions.count)",
        ]
    }
}

/// `ClickStream.HitListPage`: a page of hits and the cursor of the next (`lastKey`, passed back as `offset`).
struct HitListPageWire: Encodable, Sendable {
    let hits: [HitWire]
    let lastKey: String?
}
