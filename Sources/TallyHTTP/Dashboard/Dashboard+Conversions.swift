import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

extension DashboardController {
    func addConversionRoutes(to dashboard: RouterGroup<TallyRequestContext>) {
        dashboard.get("conversions", use: signedIn { visit in try await conversionsPage(visit) })
        dashboard.post(
            "conversions",
            use: signedIn(.editLinks) { visit in
                let form = visit.form
                let now = services.clock.now()
                // Text that is no number becomes -1, which `Conversion.validate` refuses as the API's bad values are.
                let value = Double(form.trimmed("value").isEmpty ? "0" : form.trimmed("value")) ?? -1
                let conversion = Conversion(
                    id: 0, accountID: visit.session.accountID, name: form.trimmed("name"), description: form.trimmed("description"),
                    value: value, createdAt: now, updatedAt: now, attribution: form["attribution"] == "first" ? .firstClick : .lastClick)
                do {
                    _ = try await services.conversions.create(conversion)
                } catch let error as ValidationError {
                    return try await conversionsPage(visit, error: error.message, status: .badRequest)
                }
                return DashboardHTML.seeOther("/dashboard/conversions")
            })
    }

    func conversionsPage(_ visit: Visit, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let conversions = try await services.conversions.live(accountID: visit.session.accountID)
        let now = services.clock.now()
        let counts = try await services.stats.perEntity(
            .init(.conversion, conversions.map(\.id)), from: now - 30 * 86_400_000, to: now + 1)
        let view = ConversionsView(
            conversions: conversions.map { conversion in
                let numbers = counts[conversion.id] ?? StatsCounts()
                return ConversionsView.Row(
                    id: conversion.id, name: conversion.name, attribution: conversion.attribution == .firstClick ? "first click" : "last click",
                    pixel: ConversionCode.pixelURL(conversionID: conversion.id, baseURL: services.publicURL),
                    snippet: ConversionCode.snippet(conversionID: conversion.id, baseURL: services.publicURL, value: conversion.value),
                    count: DashboardFormat.number(numbers.conversions), unique: DashboardFormat.number(numbers.uniqueConversions),
                    value: String(format: "%.2f", numbers.conversionValue), commission: String(format: "%.2f", numbers.commission))
            },
            error: error)
        return html.page("conversions", title: "Conversions", view, session: visit.session, section: "conversions", status: status)
    }
}
