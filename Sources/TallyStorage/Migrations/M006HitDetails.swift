extension Migration {
    /// What the writer reads from each hit's user agent (uap-core), referrer and language, for the reports.
    static let m006HitDetails = Migration(version: 6, name: "hit details") { _ in
        ["browser", "browser_version", "os", "os_version", "device_type", "referrer_domain", "source", "language"].map {
            "ALTER TABLE hits ADD COLUMN \($0) TEXT NOT NULL DEFAULT ''"
        }
    }
}
