extension Migration {
    /// The link tables read from the datapoint's side: a page of links shows each one's tags
    /// (`datapoint_tags WHERE datapoint_id IN …`) and deleting a link drops its script links. Their primary keys start
    /// with the tag and the script, so both read the whole table (100,000 tag links: 6–9 ms on PostgreSQL per page).
    static let m017LinkTableIndexes = Migration(version: 17, name: "link tables indexed by datapoint") { _ in
        [
            "CREATE INDEX datapoint_tags_datapoint ON datapoint_tags (datapoint_id, tag_id)",
            "CREATE INDEX datapoint_scripts_datapoint ON datapoint_scripts (datapoint_id)",
        ]
    }
}
