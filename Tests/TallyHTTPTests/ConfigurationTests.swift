import Configuration
import TallyCore
import TallyHTTP
import TallyStorage
import Testing

@Suite struct ConfigurationTests {
    @Test func defaultsListenOnLoopbackWithSQLiteUnderData() throws {
        let configuration = try AppConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: [:])))
        #expect(configuration.host == "127.0.0.1" && configuration.port == 8080)
        #expect(configuration.publicURL == "http://127.0.0.1:8080")
        #expect(configuration.database == .sqlite(path: "./data/clicktally.sqlite"))
        #expect(!configuration.durable && configuration.trustedProxies.isEmpty && configuration.autoMigrate == nil)
        #expect(configuration.linkCacheCapacity == 20_000)
    }

    @Test func flagsBeatEnvironmentWhichBeatsDefaults() throws {
        let environment = EnvironmentVariablesProvider(environmentVariables: [
            "CLICKTALLY_DATABASE_URL": "postgres://tally:pw@db.internal:6543/tally?sslmode=disable",
            "CLICKTALLY_PUBLIC_URL": "https://from-env.example", "CLICKTALLY_PORT": "9000",
            "CLICKTALLY_TRUSTED_PROXIES": "10.0.0.0/8,::1",
        ]).prefixKeys(with: "clicktally")
        let flags = InMemoryProvider(values: ["publicUrl": "https://trk.example.com"])
        let configuration = try AppConfiguration(reader: ConfigReader(providers: [flags, environment]))
        #expect(configuration.publicURL == "https://trk.example.com")
        #expect(configuration.port == 9000)
        #expect(configuration.systemDomainName == "trk.example.com")
        #expect(configuration.trustedProxies.count == 2)
        guard case .postgres(let postgres) = configuration.database else {
            Issue.record("expected PostgreSQL")
            return
        }
        #expect(postgres.host == "db.internal" && postgres.port == 6543 && postgres.database == "tally")
        #expect(postgres.username == "tally" && postgres.password == "pw" && postgres.tls == .disable)
        #expect(!configuration.database.redactedDescription.contains("pw"))
    }

    @Test func theTestOnlyLoopbackWebhookAllowanceIsRefusedOffLoopback() throws {
        func reader(_ host: String) -> ConfigReader {
            ConfigReader(
                provider: InMemoryProvider(values: [
                    AbsoluteConfigKey(ConfigKey("outboundAllowLoopback")): ConfigValue(.bool(true), isSecret: false),
                    AbsoluteConfigKey(ConfigKey("host")): ConfigValue(.string(host), isSecret: false),
                ]))
        }
        #expect(try AppConfiguration(reader: reader("127.0.0.1")).outboundAllowLoopback)
        #expect(throws: ValidationError.self) { try AppConfiguration(reader: reader("0.0.0.0")) }
        #expect(throws: ValidationError.self) { try AppConfiguration(reader: reader("192.0.2.10")) }
    }

    @Test(arguments: [
        ("publicUrl", ConfigContent.string("ftp://x"), "publicUrl"), ("databaseUrl", .string("mysql://x"), "database-url"),
        ("trustedProxies", .string("10.0.0.0/99"), "trusted-proxies"), ("logLevel", .string("loud"), "logLevel"),
        ("port", .int(70000), "port"), ("bcryptCost", .int(3), "bcryptCost"), ("bcryptCost", .int(32), "bcryptCost"),
        ("attributionDays", .int(0), "attributionDays"), ("forwardedHeader", .string("x-real-ip"), "forwardedHeader"),
        ("linkCacheSize", .int(0), "linkCacheSize"),
    ])
    func badValuesAreRefusedByName(_ key: String, _ value: ConfigContent, _ field: String) {
        let reader = ConfigReader(provider: InMemoryProvider(values: [AbsoluteConfigKey(ConfigKey(key)): ConfigValue(value, isSecret: false)]))
        do {
            _ = try AppConfiguration(reader: reader)
            Issue.record("accepted \(key)")
        } catch let error as ValidationError {
            #expect(error.field == field)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
