import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// Conversion reporting: the pixel and script on a thank-you page (`/cv/{id}.gif`, `/cv/{id}.js`) and the
/// server-to-server `POST /v2/conversions/{id}/events`. Each conversion is credited to a click of one of the
/// goal's links — the latest (or, per goal, the first) within the attribution window — or to none.
struct ConversionTracking: Sendable {
    let conversions: SQLConversionRepository
    let events: SQLConversionEventRepository
    let stats: SQLStatsRepository
    let addresses: ClientAddressResolver
    let clock: WallClock
    let attributionMilliseconds: Int64
    let publicURL: String
    /// Only tokens this installation signed credit a click (a forged `clid` or cookie is ignored).
    let clickTokens: ClickTokenSigner

    /// Parameters of the pixel itself; every other query parameter is kept as the conversion's free parameters.
    static let ownParameters: Set<String> = ["val", "com", "comperc", "src", "clid"]

    func addRoutes(to router: Router<TallyRequestContext>) {
        router.get("cv/:file") { request, context in try await pixelOrScript(request, context) }
    }

    func pixelOrScript(_ request: Request, _ context: TallyRequestContext) async throws -> Response {
        let file = context.parameters.get("file") ?? ""
        let isScript = file.hasSuffix(".js")
        guard isScript || file.hasSuffix(".gif"), let id = Int64(file.prefix { $0 != "." }), id > 0,
            let conversion = try await conversions.find(id: id), !conversion.isDeleted
        else { throw APIError.notFound }
        if isScript {
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=3600",
                    .init("X-Content-Type-Options")!: "nosniff",
                ],
                body: .init(byteBuffer: .init(string: ConversionCode.script(conversionID: id, baseURL: publicURL))))
        }
        let query = WireQuery(request)
        let value = try ConversionMoney.parse(query.string("val"), field: "val") ?? conversion.value
        let commission = ConversionMoney.commission(
            value: value, com: try ConversionMoney.parse(query.string("com"), field: "com"),
            comperc: try ConversionMoney.parse(query.string("comperc"), field: "comperc"))
        let headers = TrackingHeaders(request.headers)
        let token = query.string("clid").flatMap(clickTokens.parse) ?? cookieToken(headers, conversion.attribution)
        var event = ConversionEvent(
            accountID: conversion.accountID, conversionID: id, datapointID: nil, time: clock.now(), value: value, commission: commission,
            origin: query.string("src") == "script" ? "script" : "pixel")
        event.parameters = Self.freeParameters(request)
        let peer = context.remoteAddress.flatMap { IPAddress($0) }
        event.ip = addresses.resolve(peer: peer, forwarded: headers.forwarded, forwardedFor: headers.forwardedFor)?.description ?? ""
        event.userAgent = String((headers.userAgent ?? "").prefix(1024))
        _ = try await record(event, token: token)
        return TrackingResponses.pixel.response
    }

    func cookieToken(_ headers: TrackingHeaders, _ attribution: Attribution) -> ClickToken? {
        let name = attribution == .firstClick ? ClickToken.firstClickCookie : ClickToken.lastClickCookie
        return headers.cookie(named: name).flatMap(clickTokens.parse)
    }

    /// Credits the click when it is one of the goal's links and inside the window; records the event either way.
    func record(_ event: ConversionEvent, token: ClickToken?) async throws -> (SQLConversionEventRepository.Outcome, credited: Int64?) {
        var event = event
        if let token, token.time <= event.time + 60_000, event.time - token.time <= attributionMilliseconds,
            try await conversions.datapointIDs(conversionID: event.conversionID).contains(token.datapointID)
        {
            event.datapointID = token.datapointID
            event.clickID = token.clickID
            event.clickTime = token.time
        }
        return (try await events.record(event, time: try await stats.accountClock(event.accountID).time), event.datapointID)
    }

    /// The page's own parameters (the pixel's query without its own).
    static func freeParameters(_ request: Request) -> String {
        parameterText(
            request.uri.queryParameters.filter { !ownParameters.contains(String($0.key).lowercased()) }.map { (String($0.key), String($0.value)) })
    }

    /// Free parameters from the pixel or a server event, stored one way: a query string in name order, `%`, `&` and
    /// `=` escaped (so a value holding them reads back unambiguously), bounded.
    static func parameterText(_ pairs: [(String, String)]) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "&", with: "%26").replacingOccurrences(of: "=", with: "%3D")
        }
        let text = pairs.sorted { $0.0 < $1.0 }.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
        return String(text.prefix(2048))
    }
}
