import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

/// An `application/x-www-form-urlencoded` body (or a query string): what HTML forms send.
struct DashboardForm: Sendable {
    private(set) var pairs: [(String, String)] = []

    static let maxBytes = 64 * 1024

    init(_ text: Substring) {
        pairs = FormURLEncoding.pairs(text)
    }

    static func read(_ request: Request) async throws -> DashboardForm {
        var body = try await request.body.collect(upTo: maxBytes)
        return DashboardForm(Substring(body.readString(length: body.readableBytes) ?? ""))
    }

    subscript(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }

    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    func trimmed(_ name: String) -> String { (self[name] ?? "").trimmingSpaces }

    static func encode(_ text: String) -> String { FormURLEncoding.encode(text) }
}
