import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import TallyCore

/// A tracking endpoint's answer, kept in NIO's HTTP/1 shape because the fast path writes it straight to the
/// channel below the HTTP-types codec; the routed path converts it to a Hummingbird `Response`.
struct TrackingAnswer: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer?

    var response: Response {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return Response(
            status: .init(code: Int(status.code)), headers: fields, body: body.map { .init(byteBuffer: $0) } ?? .init())
    }
}

/// The fixed answers of the tracking endpoints, built once.
enum TrackingResponses {
    /// A 1×1 transparent GIF (43 bytes).
    static let gifBytes: [UInt8] = [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x21, 0xF9,
        0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00,
        0x3B,
    ]

    static let noStore = "private, no-store"

    static let pixel = TrackingAnswer(
        status: .ok,
        headers: [
            "Content-Type": "image/gif", "Cache-Control": "private, no-cache, no-store, must-revalidate, max-age=0",
            "Pragma": "no-cache", "Expires": "0", "Content-Length": String(gifBytes.count),
        ],
        body: ByteBuffer(bytes: gifBytes))

    static let notFoundHTML = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Link not found</title></head>
        <body><h1>Link not found</h1><p>This link does not exist or is no longer active.</p></body></html>

        """

    static let notFound = TrackingAnswer(
        status: .notFound,
        headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": noStore, "Content-Length": String(notFoundHTML.utf8.count)],
        body: ByteBuffer(string: notFoundHTML))

    static func redirect(to location: String, type: RedirectType) -> TrackingAnswer {
        // A 301 is meant to be cached; every other redirect must reach us again to be counted.
        let headers: HTTPHeaders =
            type.isPermanent
            ? ["Location": location, "Content-Length": "0"]
            : ["Location": location, "Cache-Control": noStore, "Content-Length": "0"]
        return TrackingAnswer(status: .init(statusCode: type.rawValue), headers: headers, body: nil)
    }
}
