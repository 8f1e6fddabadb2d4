import Foundation
import TallyCore
import TallyStorage

/// `typeTL`'s behaviour members: destination mode with rotator items, dynamic destination,
/// `hideUrl`/`hideUrlTitle`, `referrerClean`, and the retargeting `scripts` a link fires.
extension DatapointEditor {
    /// `existing` with whatever `link` says changed, every destination and script checked.
    func linkOptions(from link: WireObject?, existing: LinkOptions, auth: APIAuth) async throws -> LinkOptions {
        guard let link else { return existing }
        do {
            return try await parsedOptions(link, existing: existing, auth: auth)
        } catch let error as ValidationError where !error.field.hasPrefix("TypeTL.") {
            // Members of `typeTL` are named with their path, as ClickMeter names `TypeTL.Url`.
            throw ValidationError(field: "TypeTL." + error.field, code: error.code, message: error.message)
        }
    }

    private func parsedOptions(_ link: WireObject, existing: LinkOptions, auth: APIAuth) async throws -> LinkOptions {
        var options = existing
        if let mode = try link.enumeration("destinationMode", names: ClickMeterVocabulary.modeNames, numbers: ClickMeterVocabulary.modeNumbers) {
            options.mode = mode
        }
        if let member = ClickMeterVocabulary.itemsMember(options.mode) {
            if let items = try link.objects(member) {
                options.destinations = try items.enumerated().map { index, item throws(ValidationError) in
                    let property = "TypeTL.\(WireObject.property(member))[\(index)]"
                    guard let url = try item.string("url") else {
                        throw ValidationError(field: property + ".Url", code: "destination_required", message: "each destination needs a url")
                    }
                    let weight: Int
                    do throws(ValidationError) {
                        weight = options.mode == .weighted ? try item.int("weight") ?? 0 : 0
                    } catch {
                        throw ValidationError(field: property + ".Weight", code: error.code, message: "\(property).Weight must be a 32-bit integer")
                    }
                    do throws(ValidationError) {
                        return RotatorDestination(url: try DestinationURL.validate(url, trackingHosts: domains.trackingHosts), weight: weight)
                    } catch {
                        throw ValidationError(field: property + ".Url", code: error.code, message: error.message)
                    }
                }
            } else if options.mode != existing.mode {
                options.destinations = []
            }
        } else {
            options.destinations = []
        }
        if link.has("clickIdParameter") {
            let name = try link.string("clickIdParameter") ?? ""
            options.clickIDParameter = name.isEmpty ? nil : name
        }
        if let hide = try link.bool("hideUrl") { options.hideURL = hide }
        if let title = try link.string("hideUrlTitle") { options.hideURLTitle = title }
        if let clean = try link.enumeration("referrerClean", names: ClickMeterVocabulary.referrerNames, numbers: ClickMeterVocabulary.referrerNumbers)
        {
            options.referrerClean = clean
        }
        if link.has("scripts") {
            var ids: [Int64] = []
            for (index, item) in (try link.objects("scripts") ?? []).enumerated() {
                guard let id = try item.int64("id"), let script = try await retargeting.find(id: id), script.accountID == auth.accountID else {
                    throw ValidationError(
                        field: "TypeTL.Scripts[\(index)].Id", code: "script_unknown", message: "no retargeting script with that id in this account")
                }
                if !ids.contains(id) { ids.append(id) }
            }
            options.scriptIDs = ids
        }
        do {
            try options.validate()
        } catch {
            let field = error.field == "destinations" ? ClickMeterVocabulary.itemsMember(options.mode) ?? "destinationMode" : error.field
            throw ValidationError(field: WireObject.property(field), code: error.code, message: error.message)
        }
        return options
    }
}

extension DatapointWire.TrackingLinkWire {
    struct DestinationItem: Codable { let url: String }
    struct WeightedItem: Codable { let url: String, weight: Int }
    struct ScriptItem: Codable { let id: Int64, name: String }

    init(_ datapoint: Datapoint, scripts: [RetargetingScript]) {
        let options = datapoint.options
        url = datapoint.destinationURL ?? ""
        firstUrl = options.mode.isRotator ? options.destinations.first?.url ?? url : url
        redirectType = datapoint.effectiveRedirectType.rawValue
        destinationMode = options.mode.rawValue
        domainId = datapoint.domainID
        hideUrl = options.hideURL ? true : nil
        hideUrlTitle = options.hideURLTitle.isEmpty ? nil : options.hideURLTitle
        referrerClean = options.referrerClean == .none ? nil : options.referrerClean.rawValue
        let plain = options.destinations.map { DestinationItem(url: $0.url) }
        randomDestinationItems = options.mode == .random ? plain : nil
        sequentialDestinationItems = options.mode == .sequential ? plain : nil
        spilloverDestinationItems = options.mode == .spillover ? plain : nil
        weightedDestinationItems = options.mode == .weighted ? options.destinations.map { WeightedItem(url: $0.url, weight: $0.weight) } : nil
        self.scripts = scripts.isEmpty ? nil : scripts.map { ScriptItem(id: $0.id, name: $0.name) }
        isABTest = options.mode.isRotator ? true : nil
        clickIdParameter = options.clickIDParameter
    }
}
