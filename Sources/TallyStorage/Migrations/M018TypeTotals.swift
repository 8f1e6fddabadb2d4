extension Migration {
    /// An account's hourly sums per datapoint type (`StatsEntity.accountLinks`, `.accountPixels`), summed here from the
    /// datapoints' hourly rows and kept by every roll-up write from now on (`StatsUpserts.apply`): the statistics of
    /// `type=tl` over a whole account read one row an hour instead of every link's rows in the frame (300 ms over 10,000
    /// active links of a million on SQLite).
    static let m018TypeTotals = Migration(version: 18, name: "roll-ups per account and datapoint type") { _ in
        [StatsRebuildSQL.typeTotalsStatement(accountID: nil)]
    }
}
