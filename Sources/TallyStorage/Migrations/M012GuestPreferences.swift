extension Migration {
    /// A guest's display preferences (time zone, language, date and number formats) as one JSON object: ClickMeter's
    /// clients send and read them together, and nothing queries them one by one.
    static let m012GuestPreferences = Migration(version: 12, name: "guest display preferences") { _ in
        ["ALTER TABLE guests ADD COLUMN preferences TEXT NOT NULL DEFAULT '{}'"]
    }
}
