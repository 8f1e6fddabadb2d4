import HTTPTypes
import Hummingbird
import NIOCore
import TallyCore

/// A tracking endpoint's answer: written either straight to the channel (fast path) or as a Hummingbird `Response`.
struct TrackingAnswer: Sendable {
    var head: HTTPResponse
    var body: ByteBuffer?

    var response: Response {
        Response(status: head.status, headers: head.headerFields, body: body.map { .init(byteBuffer: $0) } ?? .init())
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
        head: HTTPResponse(
            status: .ok,
            headerFields: [
                .contentType: "image/gif", .cacheControl: "private, no-cache, no-store, must-revalidate, max-age=0",
                HTTPField.Name("Pragma")!: "no-cache", .expires: "0", .contentLength: String(gifBytes.count),
            ]),
        body: ByteBuffer(bytes: gifBytes))

    static let notFoundHTML = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Link not found</title></head>
        <body><h1>Link not found</h1><p>This link does not exist or is no longer active.</p></body></html>

        """

    static let notFound = TrackingAnswer(
        head: HTTPResponse(
            status: .notFound,
            headerFields: [
                .contentType: "text/html; charset=utf-8", .cacheControl: noStore, .contentLength: String(notFoundHTML.utf8.count),
            ]),
        body: ByteBuffer(string: notFoundHTML))

    static func redirect(to location: String, type: RedirectType) -> TrackingAnswer {
        var headers: HTTPFields = [.location: location]
        // A 301 is meant to be cached; every other redirect must reach us again to be counted.
        if !type.isPermanent { headers[.cacheControl] = noStore }
        headers[.contentLength] = "0"
        return TrackingAnswer(head: HTTPResponse(status: .init(code: type.rawValue), headerFields: headers), body: nil)
    }
}
