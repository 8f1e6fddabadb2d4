import TallyCore
import TallyStorage

/// Every repository over the one database, made once by the composition root; the only values that run SQL
/// (all of it in the storage target). Services, controllers and the dashboard receive the ones they need from here.
struct TallyRepositories: Sendable {
    let datapoints: SQLDatapointRepository
    let domains: SQLDomainRepository
    let accountLists: SQLAccountListRepository
    let listVersions: SQLListVersionRepository
    let retargeting: SQLRetargetingRepository
    let conversions: SQLConversionRepository
    let conversionEvents: SQLConversionEventRepository
    let keys: SQLAPIKeyRepository
    let keyEvents: SQLKeyEventRepository
    let guests: SQLGuestRepository
    let groups: SQLGroupRepository
    let tags: SQLTagRepository
    let stats: SQLStatsRepository
    let hitLists: SQLHitListRepository
    let hits: SQLHitRepository
    let profiles: SQLAccountProfileRepository

    /// - Parameter anchors: the deep-page anchors the datapoint lists remember (shared by every list of this node).
    init(database: any TallyDatabase, anchors: PageAnchors) {
        datapoints = SQLDatapointRepository(database: database, anchors: anchors)
        domains = SQLDomainRepository(database: database)
        accountLists = SQLAccountListRepository(database: database)
        listVersions = SQLListVersionRepository(database: database)
        retargeting = SQLRetargetingRepository(database: database)
        conversions = SQLConversionRepository(database: database)
        conversionEvents = SQLConversionEventRepository(database: database)
        keys = SQLAPIKeyRepository(database: database)
        keyEvents = SQLKeyEventRepository(database: database)
        guests = SQLGuestRepository(database: database)
        groups = SQLGroupRepository(database: database)
        tags = SQLTagRepository(database: database)
        stats = SQLStatsRepository(database: database)
        hitLists = SQLHitListRepository(database: database)
        hits = SQLHitRepository(database: database)
        profiles = SQLAccountProfileRepository(database: database)
    }
}
