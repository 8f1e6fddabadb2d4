import Configuration
import Foundation
import Logging
import TallyCore
import TallyStorage

/// Everything `serve` is told, read once from the configuration hierarchy
/// (flags > `CLICKTALLY_*` environment > `.env` > these defaults).
public struct AppConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var publicURL: String
    public var database: DatabaseLocation
    public var durable: Bool
    /// PostgreSQL: apply other nodes' changes when announced (`ChangeListener`), not only at the next poll.
    public var changeNotifications: Bool
    public var trustedProxies: [IPNetwork]
    /// Which header set the trusted proxies write; the other is ignored.
    public var forwardedHeader: ForwardedHeader
    /// Hosts that serve the API at their root, as ClickMeter's `apiv2.clickmeter.com` did (`--api-host`).
    public var apiHosts: APIHosts
    public var hitBufferCapacity: Int
    public var hitBatchLimit: Int
    /// The event loops' nice value under `serve` (`EventLoopNiceness`): 0 leaves them as they are.
    public var eventLoopNice: Int32
    /// How many datapoints the tracking cache holds at most (least recently used out first; a miss is one lookup).
    public var linkCacheCapacity: Int
    /// How long the writer lets a batch fill (never in durable mode, where requests wait for the commit).
    public var hitFlushInterval: Duration
    public var logLevel: Logger.Level
    /// `text` (one `key=value` line per event) or `json` (one JSON object per line, for log shippers).
    public var logFormat: LineLogHandler.Format
    /// `nil`: migrate SQLite on start, refuse to start PostgreSQL with pending steps.
    public var autoMigrate: Bool?
    /// The server secret of key hashes; `nil`: generated into the data directory on first start.
    public var keyPepper: String?
    /// Where a generated pepper lives.
    public var dataDirectory: String
    /// ClickMeter clients may send the key as `?authKey=`; answered with a warning header, or refused when off.
    public var allowQueryKeys: Bool
    /// Where alerts are POSTed (signed with `alertWebhookSecret`), if anywhere.
    public var alertWebhookURL: String?
    /// Test-only: account webhooks may point at loopback receivers. Refused unless the server listens on loopback.
    public var outboundAllowLoopback: Bool
    /// Days the API usage log keeps a request (pruned in the background).
    public var requestLogDays: Int
    /// How long a request head may take to arrive after the connection opened or the last response ended.
    public var requestHeadTimeoutMilliseconds: Int
    public var alertWebhookSecret: String?
    /// PEM files for built-in HTTPS; both or neither.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    public var tlsEnabled: Bool { tlsCertificatePath != nil }
    /// Failed API authentications allowed per client address before 429s: this many at once, then one a second.
    public var authFailureBurst: Int
    /// A MaxMind-format database (GeoLite2, DB-IP, …) for each hit's country, region and city.
    public var geoIPDatabasePath: String?
    /// uap-core's `regexes.yaml` (Debian's `uap-core` package puts it at the default path).
    public var uapCorePath: String
    /// `crawler-user-agents.json` of the crawler-user-agents project, if given.
    public var crawlerPatternsPath: String?
    /// device-detector's `bots.yml` (Matomo's named bots), if given.
    public var botRulesPath: String?
    /// GitHub's secret-scanning public keys (the JSON of `api.github.com/meta/public_keys/secret_scanning`), enabling
    /// `POST /v2/keys/leaked/github`.
    public var githubScanningKeysPath: String?
    /// How long after a click a conversion is still credited to it (the attribution cookies' lifetime), in days.
    public var attributionDays: Int
    /// bcrypt's work factor for dashboard passwords (2^cost rounds): 12 by default; tests use 4.
    public var bcryptCost: Int

    /// The configuration keys, as docs/configuration.md's table lists them.
    public enum Key {
        public static let host = "host"
        public static let port = "port"
        public static let publicURL = "publicUrl"
        public static let databaseURL = "databaseUrl"
        public static let dataDirectory = "dataDir"
        public static let durable = "durable"
        public static let changeNotifications = "changeNotifications"
        public static let trustedProxies = "trustedProxies"
        public static let forwardedHeader = "forwardedHeader"
        public static let apiHosts = "apiHost"
        public static let hitBufferSize = "hitBufferSize"
        public static let hitBatchSize = "hitBatchSize"
        public static let eventLoopNice = "eventLoopNice"
        public static let linkCacheSize = "linkCacheSize"
        public static let hitFlushMilliseconds = "hitFlushMs"
        public static let logLevel = "logLevel"
        public static let logFormat = "logFormat"
        public static let autoMigrate = "autoMigrate"
        public static let keyPepper = "keyPepper"
        public static let allowQueryKeys = "allowQueryKeys"
        public static let authFailureBurst = "authFailureBurst"
        public static let alertWebhookURL = "alertWebhookUrl"
        public static let outboundAllowLoopback = "outboundAllowLoopback"
        public static let requestLogDays = "requestLogDays"
        public static let requestHeadTimeout = "requestHeadTimeoutMs"
        public static let alertWebhookSecret = "alertWebhookSecret"
        public static let tlsCertificate = "tlsCert"
        public static let tlsKey = "tlsKey"
        public static let geoIPDatabase = "geoipDb"
        public static let uapCore = "uapCore"
        public static let crawlerUserAgents = "crawlerUserAgents"
        public static let botRules = "botRules"
        public static let githubScanningKeys = "githubScanningKeys"
        public static let attributionDays = "attributionDays"
        public static let bcryptCost = "bcryptCost"
    }

    public init(reader: ConfigReader) throws {
        host = reader.string(forKey: ConfigKey(Key.host), default: "127.0.0.1")
        port = reader.int(forKey: ConfigKey(Key.port), default: 8080)
        guard (0...65535).contains(port) else { throw Self.invalid(Key.port, "port must be between 0 and 65535") }
        let defaultPublic = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        publicURL = reader.string(forKey: ConfigKey(Key.publicURL), default: defaultPublic)
        guard DestinationURL.authority(ofBaseURL: publicURL) != nil else {
            throw Self.invalid(Key.publicURL, "public URL must be an absolute http or https URL, e.g. https://trk.example.com")
        }
        let databaseURL = reader.string(forKey: ConfigKey(Key.databaseURL), isSecret: true)
        dataDirectory = reader.string(forKey: ConfigKey(Key.dataDirectory), default: "./data")
        database = try DatabaseLocation.parse(url: databaseURL, dataDirectory: dataDirectory)
        durable = reader.bool(forKey: ConfigKey(Key.durable), default: false)
        changeNotifications = reader.bool(forKey: ConfigKey(Key.changeNotifications), default: true)
        trustedProxies = try IPNetwork.parseList(reader.string(forKey: ConfigKey(Key.trustedProxies), default: ""))
        let header = reader.string(forKey: ConfigKey(Key.forwardedHeader), default: ForwardedHeader.xForwardedFor.rawValue)
        guard let forwardedHeader = ForwardedHeader(rawValue: header.lowercased()) else {
            throw Self.invalid(Key.forwardedHeader, "forwarded header must be x-forwarded-for or forwarded")
        }
        self.forwardedHeader = forwardedHeader
        do {
            apiHosts = try APIHosts(reader.string(forKey: ConfigKey(Key.apiHosts), default: "").split(separator: ",").map(String.init))
        } catch {
            throw Self.invalid(Key.apiHosts, error.message)
        }
        hitBufferCapacity = reader.int(forKey: ConfigKey(Key.hitBufferSize), default: 60_000)
        hitBatchLimit = reader.int(forKey: ConfigKey(Key.hitBatchSize), default: 20_000)
        let flush = reader.int(forKey: ConfigKey(Key.hitFlushMilliseconds), default: 500)
        guard (0...10_000).contains(flush) else { throw Self.invalid(Key.hitFlushMilliseconds, "hit flush interval must be 0 to 10000 ms") }
        hitFlushInterval = .milliseconds(flush)
        let nice = reader.int(forKey: ConfigKey(Key.eventLoopNice), default: 5)
        guard (0...19).contains(nice) else { throw Self.invalid(Key.eventLoopNice, "event loop nice value must be 0 to 19") }
        eventLoopNice = Int32(nice)
        guard hitBufferCapacity > 0, hitBatchLimit > 0 else {
            throw Self.invalid(Key.hitBufferSize, "hit buffer and batch sizes must be positive")
        }
        linkCacheCapacity = reader.int(forKey: ConfigKey(Key.linkCacheSize), default: 20_000)
        guard (1...10_000_000).contains(linkCacheCapacity) else {
            throw Self.invalid(Key.linkCacheSize, "link cache size must be 1 to 10000000")
        }
        let level = reader.string(forKey: ConfigKey(Key.logLevel), default: "info")
        guard let parsedLevel = Logger.Level(rawValue: level) else {
            throw Self.invalid(Key.logLevel, "log level must be one of trace, debug, info, notice, warning, error, critical")
        }
        logLevel = parsedLevel
        guard let format = LineLogHandler.Format(rawValue: reader.string(forKey: ConfigKey(Key.logFormat), default: "text")) else {
            throw Self.invalid(Key.logFormat, "log format must be text or json")
        }
        logFormat = format
        autoMigrate = reader.bool(forKey: ConfigKey(Key.autoMigrate))
        keyPepper = reader.string(forKey: ConfigKey(Key.keyPepper), isSecret: true)
        allowQueryKeys = reader.bool(forKey: ConfigKey(Key.allowQueryKeys), default: true)
        authFailureBurst = reader.int(forKey: ConfigKey(Key.authFailureBurst), default: 20)
        alertWebhookURL = reader.string(forKey: ConfigKey(Key.alertWebhookURL))
        alertWebhookSecret = reader.string(forKey: ConfigKey(Key.alertWebhookSecret), isSecret: true)
        if let url = alertWebhookURL {
            guard url.hasPrefix("http://") || url.hasPrefix("https://"), URL(string: url)?.host != nil else {
                throw Self.invalid(Key.alertWebhookURL, "the alert webhook URL must be an absolute http or https URL")
            }
            guard let secret = alertWebhookSecret, secret.utf8.count >= 16 else {
                throw Self.invalid(Key.alertWebhookSecret, "an alert webhook needs a signing secret of at least 16 characters")
            }
        }
        outboundAllowLoopback = reader.bool(forKey: ConfigKey(Key.outboundAllowLoopback), default: false)
        if outboundAllowLoopback, !(IPAddress(host)?.isLoopback ?? (host == "localhost")) {
            throw Self.invalid(Key.outboundAllowLoopback, "loopback webhooks are for tests only: refused unless --host is a loopback address")
        }
        requestLogDays = reader.int(forKey: ConfigKey(Key.requestLogDays), default: 30)
        guard (1...3650).contains(requestLogDays) else { throw Self.invalid(Key.requestLogDays, "the request log keeps 1 to 3650 days") }
        requestHeadTimeoutMilliseconds = reader.int(forKey: ConfigKey(Key.requestHeadTimeout), default: 15_000)
        guard (100...600_000).contains(requestHeadTimeoutMilliseconds) else {
            throw Self.invalid(Key.requestHeadTimeout, "the request head timeout must be 100 to 600000 ms")
        }
        geoIPDatabasePath = reader.string(forKey: ConfigKey(Key.geoIPDatabase))
        uapCorePath = reader.string(forKey: ConfigKey(Key.uapCore), default: "/usr/share/uap-core/regexes.yaml")
        crawlerPatternsPath = reader.string(forKey: ConfigKey(Key.crawlerUserAgents))
        botRulesPath = reader.string(forKey: ConfigKey(Key.botRules))
        githubScanningKeysPath = reader.string(forKey: ConfigKey(Key.githubScanningKeys))
        attributionDays = reader.int(forKey: ConfigKey(Key.attributionDays), default: 30)
        guard (1...365).contains(attributionDays) else { throw Self.invalid(Key.attributionDays, "the attribution window must be 1 to 365 days") }
        bcryptCost = reader.int(forKey: ConfigKey(Key.bcryptCost), default: 12)
        guard (4...31).contains(bcryptCost) else { throw Self.invalid(Key.bcryptCost, "the bcrypt cost must be 4 to 31") }
        tlsCertificatePath = reader.string(forKey: ConfigKey(Key.tlsCertificate))
        tlsKeyPath = reader.string(forKey: ConfigKey(Key.tlsKey), isSecret: true)
        guard (tlsCertificatePath == nil) == (tlsKeyPath == nil) else {
            throw Self.invalid(Key.tlsCertificate, "give both --tls-cert and --tls-key (PEM files), or neither")
        }
        guard authFailureBurst > 0 else { throw Self.invalid(Key.authFailureBurst, "the failed-authentication burst must be positive") }
    }

    /// Authority of the public URL: the system domain's name.
    public var systemDomainName: String { DestinationURL.authority(ofBaseURL: publicURL)! }

    static func invalid(_ key: String, _ message: String) -> ValidationError {
        ValidationError(field: key, code: "config_invalid", message: message)
    }
}
