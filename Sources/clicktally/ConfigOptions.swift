import ArgumentParser
import Configuration
import SystemPackage
import TallyCore
import TallyHTTP

/// The configuration every command reads. Options are optional here so that, when absent, the
/// environment (`CLICKTALLY_*`), then `.env`, then the defaults decide.
struct ConfigOptions: ParsableArguments {
    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (default 8080; 0 picks a free one).") var port: Int?
    @Option(help: "Base URL of tracking codes (default http://HOST:PORT).") var publicUrl: String?
    @Option(help: "postgres://user:password@host:5432/db, or sqlite:PATH (default: SQLite under --data-dir).") var databaseUrl: String?
    @Option(help: "Folder of the embedded SQLite database (default ./data).") var dataDir: String?
    @Flag(help: "Answer a tracking request only after its hit is committed.") var durable = false
    @Option(help: "PostgreSQL: apply other nodes' changes as they are announced (LISTEN), not only at the next poll: true or false (default true).")
    var changeNotifications: Bool?
    @Option(help: "Comma-separated CIDRs whose X-Forwarded-For / Forwarded headers are believed.") var trustedProxies: String?
    @Option(help: "The header set the trusted proxies write: x-forwarded-for (with X-Forwarded-Proto) or forwarded (default x-forwarded-for).")
    var forwardedHeader: String?
    @Option(
        name: .customLong("api-host"),
        help:
            "A host name that serves the whole API at its root, as apiv2.clickmeter.com did (/datapoints, not /v2/datapoints); repeatable. No tracking links answer there."
    )
    var apiHost: [String] = []
    @Option(help: "Hits buffered before requests wait (default 60000).") var hitBufferSize: Int?
    @Option(help: "Datapoints the tracking cache holds at most (default 50000).") var linkCacheSize: Int?
    @Option(help: "Most hits written per transaction (default 20000).") var hitBatchSize: Int?
    @Option(help: "Milliseconds the writer lets a batch fill, 0-10000 (default 500; 0 with --durable).") var hitFlushMs: Int?
    @Option(help: "Nice value of the event loops' threads, 0-19, so the hit writer keeps up with redirects (default 5).")
    var eventLoopNice: Int?
    @Option(help: "trace, debug, info, notice, warning, error or critical (default info).") var logLevel: String?
    @Option(help: "text (default) or json: one JSON object a line, with the request id, for log shippers.") var logFormat: String?
    @Option(help: "Apply pending migrations on start: true or false (default: true on SQLite, false on PostgreSQL).")
    var autoMigrate: Bool?
    @Option(help: "Server secret mixed into API key hashes, 32+ characters; set the same on every node (default: generated into --data-dir).")
    var keyPepper: String?
    @Option(help: "Accept API keys in the authKey/api_key query parameter, as ClickMeter did: true or false (default true).")
    var allowQueryKeys: Bool?
    @Option(help: "Failed API authentications per client address before 429s: this many at once, then one a second (default 20).")
    var authFailureBurst: Int?
    @Option(help: "POST every API key alert here as JSON (http or https URL).") var alertWebhookUrl: String?
    @Option(help: "Days the API usage log keeps each request, 1-3650 (default 30).") var requestLogDays: Int?
    @Option(help: "Milliseconds a request head may take to arrive, on a new or kept-alive connection (default 15000).")
    var requestHeadTimeoutMs: Int?
    @Option(help: "Test-only: let account webhooks reach loopback receivers (refused unless --host is loopback).")
    var outboundAllowLoopback: Bool?
    @Option(help: "Secret signing the webhook body (X-ClickTally-Signature: sha256=HMAC), 16+ characters.") var alertWebhookSecret: String?
    @Option(help: "Serve HTTPS with this PEM certificate chain (with --tls-key).") var tlsCert: String?
    @Option(help: "The PEM private key of --tls-cert.") var tlsKey: String?
    @Option(help: "A MaxMind-format .mmdb (GeoLite2, DB-IP, …) giving each hit its country, region and city.") var geoipDb: String?
    @Option(help: "Days after a click during which a conversion is credited to it (default 30).") var attributionDays: Int?
    @Option(help: "bcrypt work factor for dashboard passwords, 4 to 31 (default 12).") var bcryptCost: Int?
    @Option(help: "uap-core's regexes.yaml for browser, OS and device (default /usr/share/uap-core/regexes.yaml).") var uapCore: String?
    @Option(help: "crawler-user-agents.json of the crawler-user-agents project, for bot detection.") var crawlerUserAgents: String?
    @Option(help: "bots.yml of Matomo's device-detector (PyPI device_detector, Debian ruby-device-detector), for bot detection.")
    var botRules: String?
    @Option(help: "GitHub's secret-scanning public keys (JSON of api.github.com/meta/public_keys/secret_scanning): enables /v2/keys/leaked/github.")
    var githubScanningKeys: String?

    func appConfiguration() async throws -> AppConfiguration {
        typealias Key = AppConfiguration.Key
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        func set(_ key: String, _ content: ConfigContent?, secret: Bool = false) {
            if let content { values[AbsoluteConfigKey(ConfigKey(key))] = ConfigValue(content, isSecret: secret) }
        }
        set(Key.host, host.map(ConfigContent.string))
        set(Key.port, port.map(ConfigContent.int))
        set(Key.publicURL, publicUrl.map(ConfigContent.string))
        set(Key.databaseURL, databaseUrl.map(ConfigContent.string), secret: true)
        set(Key.dataDirectory, dataDir.map(ConfigContent.string))
        set(Key.durable, durable ? .bool(true) : nil)
        set(Key.trustedProxies, trustedProxies.map(ConfigContent.string))
        set(Key.apiHosts, apiHost.isEmpty ? nil : ConfigContent.string(apiHost.joined(separator: ",")))
        set(Key.forwardedHeader, forwardedHeader.map(ConfigContent.string))
        set(Key.hitBufferSize, hitBufferSize.map(ConfigContent.int))
        set(Key.linkCacheSize, linkCacheSize.map(ConfigContent.int))
        set(Key.hitBatchSize, hitBatchSize.map(ConfigContent.int))
        set(Key.eventLoopNice, eventLoopNice.map(ConfigContent.int))
        set(Key.hitFlushMilliseconds, hitFlushMs.map(ConfigContent.int))
        set(Key.logLevel, logLevel.map(ConfigContent.string))
        set(Key.logFormat, logFormat.map(ConfigContent.string))
        set(Key.autoMigrate, autoMigrate.map(ConfigContent.bool))
        set(Key.changeNotifications, changeNotifications.map(ConfigContent.bool))
        set(Key.keyPepper, keyPepper.map(ConfigContent.string), secret: true)
        set(Key.allowQueryKeys, allowQueryKeys.map(ConfigContent.bool))
        set(Key.authFailureBurst, authFailureBurst.map(ConfigContent.int))
        set(Key.alertWebhookURL, alertWebhookUrl.map(ConfigContent.string))
        set(Key.outboundAllowLoopback, outboundAllowLoopback.map(ConfigContent.bool))
        set(Key.requestLogDays, requestLogDays.map(ConfigContent.int))
        set(Key.requestHeadTimeout, requestHeadTimeoutMs.map(ConfigContent.int))
        set(Key.alertWebhookSecret, alertWebhookSecret.map(ConfigContent.string), secret: true)
        set(Key.tlsCertificate, tlsCert.map(ConfigContent.string))
        set(Key.tlsKey, tlsKey.map(ConfigContent.string))
        set(Key.geoIPDatabase, geoipDb.map(ConfigContent.string))
        set(Key.uapCore, uapCore.map(ConfigContent.string))
        set(Key.attributionDays, attributionDays.map(ConfigContent.int))
        set(Key.bcryptCost, bcryptCost.map(ConfigContent.int))
        set(Key.crawlerUserAgents, crawlerUserAgents.map(ConfigContent.string))
        set(Key.botRules, botRules.map(ConfigContent.string))
        set(Key.githubScanningKeys, githubScanningKeys.map(ConfigContent.string))
        let secrets = SecretsSpecifier<String, String>.dynamic { key, _ in
            key.contains("DATABASE_URL") || key.contains("KEY_PEPPER") || key.contains("WEBHOOK_SECRET")
        }
        let reader = ConfigReader(providers: [
            InMemoryProvider(name: "arguments", values: values),
            EnvironmentVariablesProvider(secretsSpecifier: secrets).prefixKeys(with: "clicktally"),
            try await EnvironmentVariablesProvider(environmentFilePath: ".env", allowMissing: true, secretsSpecifier: secrets)
                .prefixKeys(with: "clicktally"),
        ])
        do {
            return try AppConfiguration(reader: reader)
        } catch let error as TallyCore.ValidationError {
            throw ArgumentParser.ValidationError("--\(error.field.dashCased): \(error.message)")
        }
    }
}

extension String {
    var dashCased: String {
        var result = ""
        for character in self {
            if character.isUppercase {
                result += "-" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}
