import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// The conversion goals of the key's account, as the ClickMeter routes read them: one by its path id, or those a
/// list's query parameters pick. Shared by the conversion, conversion-event, statistics and hits routes.
struct ConversionAccess: Sendable {
    let conversions: ConversionService

    /// `status=active|deleted|all` (default active), `textSearch`, `createdAfter`/`createdBefore`.
    func listQuery(_ query: WireQuery, _ auth: APIAuth) throws -> NamedListQuery {
        try GroupAccess.namedListQuery(query, accountID: auth.accountID)
    }

    /// Every goal the query picks (the summaries rank them themselves).
    func filtered(_ query: WireQuery, _ auth: APIAuth) async throws -> [Conversion] {
        try await conversions.page(try listQuery(query, auth), nil)
    }

    func owned(_ context: TallyRequestContext, _ auth: APIAuth) async throws -> Conversion {
        guard let id = context.parameters.get("id", as: Int64.self), let conversion = try await conversions.owned(id, accountID: auth.accountID)
        else { throw APIError.notFound }
        return conversion
    }
}
