import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport

extension TallyServer {
    /// Creates a link through the same service the CLI uses.
    @discardableResult
    func link(_ destination: String, name: String, redirect: RedirectType = .found, encodeIP: Bool = false) async throws -> Datapoint {
        try await datapoints.create(
            accountID: defaults.accountID, domain: defaults.systemDomain,
            .init(destination: destination, name: name, redirectType: redirect, encodeIP: encodeIP))
    }

    @discardableResult
    func pixel(name: String) async throws -> Datapoint {
        try await datapoints.create(
            accountID: defaults.accountID, domain: defaults.systemDomain, .init(type: .trackingPixel, destination: nil, name: name))
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }
}

let browser: HTTPFields = [.userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"]
