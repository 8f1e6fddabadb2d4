import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// `/v2/conversions…` management: goals, their notes and the datapoints that lead to them.
/// Conversion tracking (pixel, events) and statistics belong to the analytics work.
struct ConversionsController {
    let conversions: ConversionService
    let access: ConversionAccess
    let datapoints: DatapointAccess

    struct ConversionWire: ResponseEncodable {
        let id: Int64
        let name: String
        let description: String
        let value: Double
        /// 0 Http, 1 Https.
        let `protocol`: Int
        let deleted: Bool
        let creationDate: String
        let notes: String?
        /// The snippet for the thank-you page (ClickMeter's conversion code) and its equivalent pixel URL.
        let code: String
        let pixelUrl: String
        /// `last` (default) or `first`: which of a visitor's clicks earns the conversion (a ClickTally addition).
        let attribution: String

        init(_ conversion: Conversion, baseURL: String) {
            id = conversion.id
            name = conversion.name
            description = conversion.description
            value = conversion.value
            self.protocol = conversion.isHTTPS ? 1 : 0
            deleted = conversion.isDeleted
            creationDate = ClickMeterDate.format(conversion.createdAt)
            notes = conversion.notes.isEmpty ? nil : conversion.notes
            code = ConversionCode.snippet(conversionID: conversion.id, baseURL: baseURL, value: conversion.value)
            pixelUrl = ConversionCode.pixelURL(conversionID: conversion.id, baseURL: baseURL)
            attribution = conversion.attribution.rawValue
        }
    }

    static let protocolNames: [String: Bool] = ["http": false, "https": true]
    static let protocolNumbers: [Int: Bool] = [0: false, 1: true]

    func addRoutes(to api: APIRoutes) {
        api.on(.get, "conversions", scope: APIScope(.conversions, .read)) { request, _, auth in
            let query = WireQuery(request)
            let page = try await conversions.page(try access.listQuery(query, auth), try query.window())
            if try query.bool("_expand") == true {
                return ListWire(entities: page.map { ConversionWire($0, baseURL: datapoints.publicURL) }).response
            }
            return ListWire(entities: page.map { EntityURI("conversions", $0.id) }).response
        }
        api.on(.get, "conversions/count", scope: APIScope(.conversions, .read)) { request, _, auth in
            CountWire(count: try await conversions.count(try access.listQuery(WireQuery(request), auth)))
        }
        api.on(.post, "conversions", scope: APIScope(.conversions, .write)) { request, context, auth in
            let body = try await WireBody.read(request, context)
            var conversion = Conversion(id: 0, accountID: auth.accountID, name: "", createdAt: 0, updatedAt: 0)
            try apply(body, to: &conversion)
            return EntityURI("conversions", try await conversions.create(conversion).id)
        }
        api.on(.get, "conversions/:id", scope: APIScope(.conversions, .read)) { _, context, auth in
            ConversionWire(try await access.owned(context, auth), baseURL: datapoints.publicURL)
        }
        api.on(.post, "conversions/:id", scope: APIScope(.conversions, .write)) { request, context, auth in
            var conversion = try await access.owned(context, auth)
            try apply(try await WireBody.read(request, context), to: &conversion)
            return EntityURI("conversions", try await conversions.save(conversion).id)
        }
        api.on(.delete, "conversions/:id", scope: APIScope(.conversions, .write)) { _, context, auth in
            // Its links stop setting attribution cookies on this node at once (other nodes within a second).
            EntityURI("conversions", try await conversions.delete(try await access.owned(context, auth)).id)
        }
        api.on(.put, "conversions/:id/notes", scope: APIScope(.conversions, .write)) { request, context, auth in
            var conversion = try await access.owned(context, auth)
            conversion.notes = try await WireBody.notes(request, context)
            return EntityURI("conversions", try await conversions.save(conversion).id)
        }
        api.on(.get, "conversions/:id/datapoints", scope: APIScope(.datapoints, .read)) { request, context, auth in
            let conversion = try await access.owned(context, auth)
            return try await datapoints.listResponse(WireQuery(request), auth, linkedTo: .conversion(conversion.id))
        }
        api.on(.get, "conversions/:id/datapoints/count", scope: APIScope(.datapoints, .read)) { request, context, auth in
            let conversion = try await access.owned(context, auth)
            return try await datapoints.count(WireQuery(request), auth, linkedTo: .conversion(conversion.id))
        }
        api.on(.put, "conversions/:id/datapoints/patch", scope: APIScope(.conversions, .write)) { request, context, auth in
            let conversion = try await access.owned(context, auth)
            let patch = try await patchRequest(try await WireBody.read(request, context), auth, property: "")
            try await conversions.apply([patch], to: conversion)
            return EntityURI("conversions", conversion.id)
        }
        api.on(.put, "conversions/:id/datapoints/batch/patch", scope: APIScope(.conversions, .write)) { request, context, auth in
            let conversion = try await access.owned(context, auth)
            let body = try await WireBody.read(request, context)
            guard let items = try body.objects("patchRequests"), !items.isEmpty, items.count <= 1000 else {
                throw ValidationError(field: "PatchRequests", code: "patch_requests_required", message: "PatchRequests must hold 1 to 1000 patches")
            }
            // Every patch is checked before any is applied, so a bad one changes nothing.
            var patches: [ConversionService.Patch] = []
            for (index, item) in items.enumerated() { patches.append(try await patchRequest(item, auth, property: "PatchRequests[\(index)].")) }
            try await conversions.apply(patches, to: conversion)
            return EntityURI("conversions", conversion.id)
        }
    }

    /// `{"action": "add"|"remove"|"replace", "id": datapoint, "replaceId": datapoint}`, each datapoint visible to the key.
    func patchRequest(_ body: WireObject, _ auth: APIAuth, property: String) async throws -> ConversionService.Patch {
        let action = try body.enumeration("action", names: ["add": "add", "remove": "remove", "replace": "replace"], numbers: [:])
        guard let action else {
            throw ValidationError(field: property + "Action", code: "action_required", message: "Action must be add, remove or replace")
        }
        guard let id = try body.int64("id") else { throw ValidationError(field: property + "Id", code: "id_required", message: "Id is required") }
        let datapoint = try await visible(id, auth, property: property + "Id")
        if action == "replace" {
            guard let replaced = try body.int64("replaceId") else {
                throw ValidationError(field: property + "ReplaceId", code: "id_required", message: "ReplaceId is required to replace")
            }
            let replacing = try await visible(replaced, auth, property: property + "ReplaceId")
            return ConversionService.Patch(action: .add, datapoint: datapoint, replacing: replacing)
        }
        return ConversionService.Patch(action: action == "add" ? .add : .remove, datapoint: datapoint)
    }

    /// The datapoint `id` if the key may see it (`property` names it in the refusal).
    func visible(_ id: Int64, _ auth: APIAuth, property: String) async throws -> Datapoint {
        guard let datapoint = try await datapoints.queries.find(id: id), datapoint.accountID == auth.accountID,
            auth.canRead(datapoint)
        else { throw ValidationError(field: property, code: "datapoint_unknown", message: "no datapoint \(id) in this account") }
        return datapoint
    }

    func apply(_ body: WireObject, to conversion: inout Conversion) throws(ValidationError) {
        if let name = try body.string("name") { conversion.name = name }
        if let description = try body.string("description") { conversion.description = description }
        if let notes = try body.string("notes") { conversion.notes = try WireText.bounded(notes, "Notes", 10_000) }
        if let value = try body.double("value") { conversion.value = value }
        if let https = try body.enumeration("protocol", names: Self.protocolNames, numbers: Self.protocolNumbers) { conversion.isHTTPS = https }
        if let attribution = try body.string("attribution") {
            guard let parsed = Attribution(rawValue: attribution.lowercased()) else {
                throw ValidationError(field: "Attribution", code: "attribution_invalid", message: "Attribution must be last or first")
            }
            conversion.attribution = parsed
        }
        // The rest (name, description, value) is checked by the repository before it writes (`Conversion.validate`).
    }
}
