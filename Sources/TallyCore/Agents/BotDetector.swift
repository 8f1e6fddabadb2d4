import Foundation

/// Decides whether a user agent is a program, with the reason, in this order: link-preview fetchers by name; uap-core's
/// device rules (first match, as uap-core reads them: `Spider` is a bot, a recognised device brand is a person);
/// the patterns of the `crawler-user-agents` project; device-detector's named bots; then rules that name no bot
/// (`GenericBotRules`). Runs in the hit writer, off the redirect path; prefetches are told apart at request time by
/// their headers.
public struct BotDetector: Sendable {
    let crawlers: RegexList
    let uapRules: UserAgentRules?
    let deviceDetector: DeviceDetectorBots?
    /// Patterns ICU could not compile (counted in tests).
    public let skipped: Int

    /// Link-preview fetchers (lower-cased markers): they fetch a link to draw a card, no person clicked.
    static let previewFetchers: [(marker: String, name: String)] = [
        ("slackbot", "slack"), ("slack-imgproxy", "slack"), ("telegrambot", "telegram"), ("facebookexternalhit", "facebook"),
        ("facebot", "facebook"), ("twitterbot", "x"), ("discordbot", "discord"), ("linkedinbot", "linkedin"),
        ("skypeuripreview", "skype"), ("iframely", "iframely"), ("embedly", "embedly"), ("pinterestbot", "pinterest"),
        ("redditbot", "reddit"), ("applebot", "apple"), ("bingpreview", "bing"), ("google-pagerenderer", "google"),
    ]

    /// The markers as bytes, searched in the lower-cased agent's bytes.
    static let previewMarkers = previewFetchers.map { Array($0.marker.utf8) }
    static let facebookIndex = previewFetchers.firstIndex { $0.marker == "facebookexternalhit" }!
    static let xIndex = previewFetchers.firstIndex { $0.marker == "twitterbot" }!

    /// Words programs put in their agents and browsers do not: a bot or crawler name, a contact URL, a tool.
    static let programWords = RegexList(
        alternation:
            #"bot\b|bot/|crawl|spider|https?://|\+http|lighthouse|preview|proxy/|checklink|validator|mediapartners|inspectiontool|storebot|appengine|brandverity|ips-agent|parser"#,
        options: [.caseInsensitive])

    static func soundsLikeAProgram(_ userAgent: String, _ range: NSRange) -> Bool {
        programWords.firstMatch(in: userAgent, range: range) != nil
    }

    /// - Parameters:
    ///   - crawlerPatterns: `crawler-user-agents.json` (an array of `{"pattern": …}`), if present.
    ///   - uapRules: uap-core's rules, whose device rules are used.
    ///   - deviceDetector: device-detector's named bots.
    public init(crawlerPatterns: Data?, uapRules: UserAgentRules?, deviceDetector: DeviceDetectorBots? = nil) {
        var skipped = 0
        var patterns: [String] = []
        if let crawlerPatterns, let entries = try? JSONSerialization.jsonObject(with: crawlerPatterns) as? [[String: Any]] {
            patterns = entries.compactMap { $0["pattern"] as? String }
        }
        var compiled: [(String, NSRegularExpression)] = []
        for pattern in patterns {
            if let regex = try? NSRegularExpression(pattern: pattern) { compiled.append((pattern, regex)) } else { skipped += 1 }
        }
        crawlers = RegexList(patterns: compiled.map(\.0), regexes: compiled.map(\.1))
        self.uapRules = uapRules
        self.deviceDetector = deviceDetector
        self.skipped = skipped
    }

    /// - Parameter parsed: uap-core's reading of the agent when the caller has it (the enricher parses every agent), so
    ///   the device rules are not run twice.
    public func classify(userAgent: String, parsed: ParsedUserAgent? = nil) -> SpiderVerdict {
        let lowered = userAgent.lowercased()
        if lowered.allSatisfy({ $0 == " " }) { return .spider(reason: "ua:empty") }
        let bytes = Array(lowered.utf8)
        // iMessage announces itself as both Facebook's and X's fetcher.
        if ByteSearch.contains(bytes, Self.previewMarkers[Self.facebookIndex]), ByteSearch.contains(bytes, Self.previewMarkers[Self.xIndex]) {
            return .spider(reason: "preview:imessage")
        }
        for (index, marker) in Self.previewMarkers.enumerated() where ByteSearch.contains(bytes, marker) {
            return .spider(reason: "preview:\(Self.previewFetchers[index].name)")
        }
        // WhatsApp's preview fetch is the bare `WhatsApp/2.23.20.0 A`; the app's other requests name the device.
        if lowered.hasPrefix("whatsapp/"), !lowered.contains("android/"), !lowered.contains("device/") {
            return .spider(reason: "preview:whatsapp")
        }
        let range = NSRange(userAgent.startIndex..., in: userAgent)
        let device: (family: String?, brand: String?)? =
            if let parsed { (parsed.deviceFamily, parsed.deviceBrand) } else {
                uapRules.flatMap { UserAgentParser.firstMatch($0.devices, userAgent, range, count: 3, deviceStyle: true) }.map { ($0[0], $0[1]) }
            }
        if let device {
            if device.family == "Spider" { return .spider(reason: "uap-core:spider") }
            // A device uap-core recognises by brand is a person's, whatever a broad crawler pattern (`Butterfly`,
            // `Sonic`) thinks — unless the agent also says it is a program.
            // Apple and generic devices are the usual disguise of crawlers, so they get no such benefit of the doubt.
            if let brand = device.brand, brand != "Generic", brand != "Apple", !Self.soundsLikeAProgram(userAgent, range) { return .human }
        }
        if crawlers.firstMatch(in: userAgent, range: range) != nil {
            return .spider(reason: "crawler-user-agents")
        }
        if let name = deviceDetector?.botName(userAgent, range) { return .spider(reason: "device-detector:\(name)") }
        return GenericBotRules.classify(userAgent, lowered: lowered, range: range) ?? .human
    }
}
