import Foundation
import Hummingbird
import TallyCore

/// A request's query as ClickMeter clients send it: parameter names in any case (`timeFrame`/`timeframe`),
/// enum values in any case, booleans as `true`/`1`, days as 8, 12 or 14 digits.
struct WireQuery {
    /// Larger `limit`s are accepted and capped here (clients page with big limits and stop at an empty page).
    static let maximumLimit = 1000

    private var values: [String: String] = [:]

    init(_ request: Request) {
        for (name, value) in request.uri.queryParameters { values[String(name).lowercased()] = String(value) }
    }

    func string(_ name: String) -> String? { values[name.lowercased()] }

    /// The same query without some parameters (a summary sorts by statistics itself, not by the list's rules).
    func removing(_ names: String...) -> WireQuery {
        var copy = self
        for name in names { copy.values[name.lowercased()] = nil }
        return copy
    }

    func int(_ name: String) throws(ValidationError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else { throw Self.invalid(name, "an integer") }
        return value
    }

    func bool(_ name: String) throws(ValidationError) -> Bool? {
        guard let text = string(name)?.lowercased() else { return nil }
        switch text {
        case "true", "1": return true
        case "false", "0": return false
        default: throw Self.invalid(name, "true or false")
        }
    }

    func date(_ name: String) throws(ValidationError) -> Int64? {
        guard let text = string(name) else { return nil }
        guard let time = ClickMeterDate.parse(text) else { throw Self.invalid(name, "a date as YYYYMMDD, YYYYMMDDHHmm or YYYYMMDDHHmmss") }
        return time
    }

    /// `offset` (default 0) and `limit` (default 20, at most `WireQuery.maximumLimit`).
    func window() throws(ValidationError) -> PageWindow {
        let offset = try int("offset") ?? 0
        let limit = try int("limit") ?? 20
        guard offset >= 0 else { throw Self.invalid("offset", "zero or more") }
        guard limit >= 1 else { throw Self.invalid("limit", "one or more") }
        return PageWindow(offset: offset, limit: min(limit, WireQuery.maximumLimit))
    }

    /// A page of a list already in memory (the account's short lists: domains, guests, tags…).
    func page<T>(_ items: [T]) throws(ValidationError) -> ArraySlice<T> {
        let window = try window()
        return items.dropFirst(window.offset).prefix(window.limit)
    }

    /// `status=active|paused|spam|deleted|all` (default all).
    func statuses() throws(ValidationError) -> Set<DatapointStatus> {
        switch string("status")?.lowercased() {
        case nil, "all": return Set(DatapointStatus.allCases)
        case "active": return [.active]
        case "paused": return [.paused]
        case "spam", "abuse": return [.abuse]
        case "deleted": return [.deleted]
        default: throw Self.invalid("status", "one of active, paused, spam, deleted, all")
        }
    }

    /// `type=tl|tp` (any case).
    func datapointType() throws(ValidationError) -> DatapointType? {
        switch string("type")?.lowercased() {
        case nil: return nil
        case "tl": return .trackingLink
        case "tp": return .trackingPixel
        default: throw Self.invalid("type", "tl or tp")
        }
    }

    /// `sortBy` (id, name, title, creationDate) and `sortDirection` (asc, desc).
    func datapointOrder() throws(ValidationError) -> (sort: DatapointQuery.Sort, descending: Bool) {
        let descending: Bool
        switch string("sortDirection")?.lowercased() {
        case nil, "asc": descending = false
        case "desc": descending = true
        default: throw Self.invalid("sortDirection", "asc or desc")
        }
        switch string("sortBy")?.lowercased() {
        case nil, "", "id": return (.id, descending)
        case "creationdate": return (.created, descending)
        case "name": return (.name, descending)
        case "title": return (.title, descending)
        default: throw Self.invalid("sortBy", "one of id, name, title, creationDate")
        }
    }

    static func invalid(_ name: String, _ expected: String) -> ValidationError {
        ValidationError(field: name, code: "query_invalid", message: "\(name) must be \(expected)")
    }
}

/// `{"entities": [...]}`, ClickMeter's list shape (no total; empty past the end).
struct ListWire<Item: Encodable & Sendable>: Encodable, Sendable {
    let entities: [Item]

    var response: Response { Self.jsonResponse(self, empty: #"{"entities":[]}"#) }

    /// A 200 with `value` as JSON; `empty` if it cannot be encoded (it always can: arrays of wire structs).
    static func jsonResponse(_ value: some Encodable, empty: String) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data(empty.utf8)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: .init(bytes: data)))
    }
}

extension ListWire: JSONWritable where Item: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.object { json in json.member("entities", entities) }
    }

    /// The JSON `JSONEncoder` writes, without its value tree (a page of expanded datapoints).
    var response: Response { JSONWriter.response(self) }
}

extension JSONWriter {
    /// A 200 whose body is `value`'s JSON.
    static func response(_ value: some JSONWritable, status: HTTPResponse.Status = .ok) -> Response {
        var json = JSONWriter()
        value.write(to: &json)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }
}

/// A list as the running ClickMeter API answered its aggregated `/list` routes and `/clickstream`: in `rows`. Its
/// published document says `entities`, and clients were written against either, so both carry the same list.
struct RowsWire<Item: Encodable & Sendable>: Encodable, Sendable {
    let rows: [Item]

    enum CodingKeys: String, CodingKey { case rows, entities }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rows, forKey: .rows)
        try container.encode(rows, forKey: .entities)
    }

    var response: Response { ListWire<Item>.jsonResponse(self, empty: #"{"rows":[],"entities":[]}"#) }
}

enum WireBody {
    static let limit = 256 * 1024

    static func read(_ request: Request, _ context: TallyRequestContext) async throws -> WireObject {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError(status: .contentTooLarge, code: "body_too_large", message: "the body must be at most \(limit) bytes")
        }
        return try WireObject(json: buffer.readableBytesView)
    }

    /// The `{"Text": …}` body of every `…/notes` route (`GenericTextPatch`), at most 10,000 characters.
    static func notes(_ request: Request, _ context: TallyRequestContext) async throws -> String {
        guard let text = try await read(request, context).string("text") else {
            throw ValidationError(field: "Text", code: "text_required", message: "Text is required")
        }
        return try WireText.bounded(text, "Notes", 10_000)
    }
}
