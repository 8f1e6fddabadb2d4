extension Migration {
    /// Where each hit came from (country, region, city), found by the writer from the full address before the
    /// masked one is stored, or from a trusted proxy's `CF-IPCountry`.
    static let m005HitPlaces = Migration(version: 5, name: "hit places") { _ in
        [
            "ALTER TABLE hits ADD COLUMN country TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE hits ADD COLUMN region TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE hits ADD COLUMN city TEXT NOT NULL DEFAULT ''",
        ]
    }
}
