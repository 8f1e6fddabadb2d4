import Hummingbird
import TallyCore
import TallyStorage

/// `POST /v2/conversions/{id}/events`: a server reports a conversion (an order paid, a trial started), naming the
/// click by the token the link passed to the destination (`clickIdParameter`). An `Idempotency-Key` (header or
/// `idempotencyKey` member) makes retries safe: the same key for the same goal counts once.
struct ConversionEventsController {
    let tracking: ConversionTracking
    let conversions: ConversionAccess
    let clock: WallClock

    struct EventWire: ResponseEncodable {
        let id: Int64?
        let conversionId: Int64
        let datapointId: Int64?
        let credited: Bool
        let unique: Bool
        let convertedClick: Bool
        let duplicate: Bool
        let value: Double
        let commission: Double
    }

    func addRoutes(to api: APIRoutes) {
        api.on(.post, "conversions/:id/events", scope: APIScope(.conversions, .write)) { request, context, auth in
            let conversion = try await conversions.owned(context, auth)
            guard !conversion.isDeleted else {
                throw ValidationError(field: "", code: "conversion_deleted", message: "the conversion is deleted and records no events")
            }
            let body = try await WireBody.read(request, context)
            let headerKey = request.headers[.init("Idempotency-Key")!]
            let key = try headerKey ?? body.string("idempotencyKey")
            if let key { guard (1...200).contains(key.utf8.count) else { throw WireQuery.invalid("idempotencyKey", "1 to 200 characters") } }
            let value = try body.double("value") ?? conversion.value
            let com = try body.double("commission")
            let comperc = try body.double("commissionPercent")
            for (name, amount) in [("value", value), ("commission", com), ("commissionPercent", comperc)] {
                if let amount, !(amount.isFinite && amount >= 0 && amount <= 1_000_000_000) {
                    throw ValidationError(field: name, code: "amount_invalid", message: "\(name) must be a number from 0 to 1000000000")
                }
            }
            var token: ClickToken?
            if let text = try body.string("clickId"), !text.isEmpty {
                guard let parsed = tracking.clickTokens.parse(text) else {
                    throw ValidationError(field: "clickId", code: "click_id_invalid", message: "clickId must be the token the link passed on")
                }
                token = parsed
            }
            var event = ConversionEvent(
                accountID: auth.accountID, conversionID: conversion.id, datapointID: nil, time: clock.now(), value: value,
                commission: ConversionMoney.commission(value: value, com: com, comperc: comperc), origin: "api")
            event.idempotencyKey = key
            event.parameters = ConversionTracking.parameterText(try body.textPairs("parameters") ?? [])
            let (outcome, credited) = try await tracking.record(event, token: token)
            switch outcome {
            case .duplicate:
                let wire = EventWire(
                    id: nil, conversionId: conversion.id, datapointId: nil, credited: false, unique: false, convertedClick: false, duplicate: true,
                    value: event.value, commission: event.commission)
                return try CSV.json(wire, status: .ok)
            case .recorded(let id, let unique, let converted):
                let wire = EventWire(
                    id: id, conversionId: conversion.id, datapointId: credited, credited: credited != nil, unique: unique, convertedClick: converted,
                    duplicate: false, value: event.value, commission: event.commission)
                return try CSV.json(wire, status: .created)
            }
        }
    }
}
