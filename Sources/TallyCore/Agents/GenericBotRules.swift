import Foundation

/// Rules that name no bot: what programs put in their agents and browsers do not. They run after the lists of named
/// bots (`BotDetector`) and catch the ones no list knows yet: uptime and health checkers, scanners, load tools, feed
/// fetchers, new crawlers. Each returns its own reason, so a hit says which rule flagged it. Tuned on
/// `crawler-user-agents`' examples and one half of Matomo's bot fixtures (by bot name); measured on the other half
/// (`BotDetectorHeldOutTests`) and on 34,000 real browsers.
enum GenericBotRules {
    /// An address to reach the operator: browsers never carry one.
    static let contact = RegexList(
        alternation:
            #"https?://|\+https?:|\bwww\.[a-z0-9-]+\.[a-z]|mailto:|[a-z0-9._-]+@[a-z0-9-]+\.[a-z]{2,}|\b[a-z][a-z0-9-]+\.(com|net|org|io|app|dev|ai)\b(/|\)|;|$| )| at [a-z0-9-]+ dot (com|net|org)\b"#,
        options: [.caseInsensitive])

    /// Words of programs' names and purposes, whole or at a word's start; none is part of a browser's or device's name.
    static let programWords = RegexList(
        alternation:
            #"bot\b|bot[/_-]|robot|crawl|spider|scrap(e|er|ing)\b|fetch|monitor|checker|check(ing)?\b|scan(ner|ning)?\b|probe|health|uptime|validat|pars(er|ing)\b|lookup|diagnos|sitemap|\bfeeds?\b|\brss\b|research|measurement|discover|collector|harvest|archiv|indexer|indexing|preview|prerender|screenshot|capture|analy[sz]er|\baudit|inspect|synthetic|headless|scheduler|webhook|http[-_ ]?client|\bsdk\b|\bagent\b|[a-z]agent\b|\blibrary\b|\bcli\b|\btest(er|ing)?\b|telemetry|\bresolver\b|\bdcv\b|\bacme\b|\bseo\b|crwlr|backlinks?\b|bcklinks"#,
        options: [.caseInsensitive])

    /// Load, attack and HTTP tools whose names carry none of the words above.
    static let tools: [String] = [
        "curl/", "curl ", "wget/", "httpie/", "python-requests", "python-urllib", "python/", "aiohttp", "httpx/", "go-http-client",
        "okhttp/", "libwww-perl", "lwp::", "apache-httpclient", "node-fetch", "node/", "undici", "axios/", "got/", "java/",
        "jakarta", "ruby", "php/", "guzzlehttp", "libcurl", "winhttp", "powershell", "postman", "insomnia", "jmeter", "k6/",
        "locust", "apachebench", "siege/", "wrk/", "vegeta", "gobuster", "dirbuster", "nikto", "nuclei", "sqlmap", "masscan",
        "zgrab", "nmap", "wpscan", "burp", "zap/", "openvas", "phantomjs", "puppeteer", "playwright", "selenium", "webdriver",
        "scrapy", "colly", "mechanize", "httrack", "reqwest", "restsharp", "dart:io", "cpp-httplib", "libhttp",
        // From Crawler-Detect's tuning half: HTML and HTTP libraries, build and package tools.
        "browserkit", "anglesharp", "node-urllib", "node.js", "needle/", "gradle/", "pip/", "url/emacs",
    ]

    /// Injection payloads sent as the agent by scanners (Log4Shell, Shellshock, markup, SQL).
    static let payloads: [String] = ["${jndi:", "${", "() {", "<script", "' or ", "\" or ", "union select", "../"]

    /// The lists above as bytes, searched in the lower-cased agent's bytes.
    static let toolBytes = tools.map { Array($0.utf8) }
    static let payloadBytes = payloads.map { Array($0.utf8) }
    static let browserTokenBytes = browserTokens.map { Array($0.utf8) }
    static let androidBytes = Array("android".utf8)

    /// Tokens of every browser and device family in the browser corpora; an agent with none of them is a program's.
    static let browserTokens: [String] = [
        "mozilla/", "opera", "dalvik/", "cfnetwork", "android", "iphone", "ipad", "ipod", "windows", "macintosh", "mac os",
        "linux", "cros", "playstation", "nintendo", "xbox", "roku", "smarttv", "smart-tv", "tizen", "webos", "kaios", "symbian",
        "series40", "series60", "blackberry", "bb10", "j2me", "midp", "cldc", "nokia", "samsung", "sonyericsson", "up.browser",
        "up.link", "obigo", "netfront", "openwave", "teleca", "polaris", "ucweb", "ucbrowser", "maui", "mobile", "brew",
        "docomo", "kddi", "softbank", "vodafone", "lg-", "lge-", "mot-", "sie-", "sec-", "sph-", "sgh-", "htc", "zte", "huawei",
        "alcatel", "lenovo", "philips", "sagem", "panasonic", "sharp", "sanyo", "kyocera", "benq", "amoi", "haier", "spice",
        "micromax", "karbonn", "lava", "itel", "tecno", "infinix", "puffin", "dolfin", "netsurf", "lynx", "links", "w3m",
        "elinks", "dillo", "konqueror", "seamonkey", "firefox", "chrome", "safari", "qtweb", "webkit", "gecko", "khtml",
        "presto", "trident", "msie", "edge", "hbbtv", "opentv", "dtv", "tv", "box", "player", "kindle", "silk", "bada", "sailfish",
        "browser", "mosaic", "amiga", "palm", "xiino", "amaya", "wap", "watchos", "model/", "win10", "win7", "win64", "x64",
    ]

    /// An Android agent's device segment (`Android 7.0; CUBOT NOTE Build/NRD90M)`): model names are words too (`Cubot`,
    /// `M bot 54`, `Spider 8` are phones), so the word and contact rules read the agent without it.
    static let androidDevice = try! NSRegularExpression(pattern: #"(?i)android[^)]*\)"#)

    /// `Mozilla/5.0` followed by nothing but a program's name and version, bare or where a browser names its platform
    /// (`Mozilla/5.0 CheckerProxy/1.0`, `Mozilla/5.0 (Morningscore/1.0)`): every browser names a platform.
    static let noPlatform = try! NSRegularExpression(pattern: #"(?i)^mozilla/\d+\.\d+\s+\(?[a-z][\w.-]*(/[\w.]+)?\)?\s*$"#)

    /// What browsers write after `compatible;` (Internet Explorer, Konqueror, old and embedded browsers, as the browser
    /// corpora have them); any other name there is a program passing as a browser (`Mozilla/5.0 (compatible; Kaupr/1.0)`).
    static let compatibleBrowsers: Set<String> = [
        "msie", "konqueror", "u", "i", "linux", "windows", "x11", "macintosh", "risc", "gecko", "ncbrowser", "lephone", "ibrowse",
        "netpositive", "offbyone", "polaris", "antgalio", "opera", "icab", "omniweb", "voyager", "aweb", "netfront", "ms-office",
        "msoffice",
    ]

    /// The name after each `compatible;`, lower-cased.
    static func compatibleNames(_ lowered: String) -> [Substring] {
        var names: [Substring] = []
        var rest = lowered[...]
        while let marker = rest.range(of: "compatible;") {
            let after = rest[marker.upperBound...].drop(while: { $0 == " " })
            names.append(after.prefix(while: { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }))
            rest = rest[marker.upperBound...]
        }
        return names
    }

    static func classify(_ userAgent: String, lowered: String, range: NSRange) -> SpiderVerdict? {
        let bytes = Array(lowered.utf8)
        for payload in payloadBytes where ByteSearch.contains(bytes, payload) { return .spider(reason: "ua:payload") }
        for tool in toolBytes where containsToken(bytes, tool) { return .spider(reason: "ua:tool") }
        var text = userAgent
        var textRange = range
        if ByteSearch.contains(bytes, androidBytes) {
            text = androidDevice.stringByReplacingMatches(in: userAgent, range: range, withTemplate: "android)")
            textRange = NSRange(text.startIndex..., in: text)
        }
        if programWords.firstMatch(in: text, range: textRange) != nil { return .spider(reason: "ua:program-word") }
        if contact.firstMatch(in: text, range: textRange) != nil { return .spider(reason: "ua:contact") }
        if compatibleNames(lowered).contains(where: { !$0.isEmpty && !compatibleBrowsers.contains(String($0)) }) {
            return .spider(reason: "ua:compatible-program")
        }
        if noPlatform.firstMatch(in: userAgent, range: range) != nil { return .spider(reason: "ua:no-platform") }
        if !browserTokenBytes.contains(where: { ByteSearch.contains(bytes, $0) }) { return .spider(reason: "ua:no-browser-token") }
        return nil
    }

    /// `token` in `text` at the start of a word (`java/` in `Java/17`, not in `HotJava/1.1`). A byte before it that is
    /// not ASCII counts as a letter (nearly always part of a letter of another script).
    static func containsToken(_ text: [UInt8], _ token: [UInt8]) -> Bool {
        var from = 0
        while let found = ByteSearch.find(token, in: text, from: from) {
            if found == 0 { return true }
            let before = text[found - 1]
            let isLetter = (before >= 0x61 && before <= 0x7A) || (before >= 0x41 && before <= 0x5A) || before >= 0x80
            if !isLetter { return true }
            from = found + 1
        }
        return false
    }
}
