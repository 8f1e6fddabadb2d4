import TallyCore

/// An account's tags as the API and the dashboard read and change them. Whose tag an id names, and whether the
/// datapoint or group a tag is attached to is the same account's, is decided here only: no surface can tag another
/// account's link or reach another account's tag.
public struct TagService: Sendable {
    public typealias Tag = SQLTagRepository.Tag
    public typealias Target = SQLTagRepository.Target

    let repository: SQLTagRepository

    public init(repository: SQLTagRepository) {
        self.repository = repository
    }

    /// What carries a tag, as the caller read it (with its own access checked).
    public enum Carrier: Sendable {
        case datapoint(Datapoint)
        case group(LinkGroup)

        var accountID: Int64 {
            switch self {
            case .datapoint(let datapoint): datapoint.accountID
            case .group(let group): group.accountID
            }
        }
    }

    /// The tag `id` if it belongs to `accountID`, `nil` otherwise.
    public func owned(_ id: Int64, accountID: Int64) async throws -> Tag? {
        guard let tag = try await repository.find(id: id), tag.accountID == accountID else { return nil }
        return tag
    }

    /// The account's tag of that name, created when missing (ClickMeter answers a duplicate create with the existing tag).
    public func findOrCreate(accountID: Int64, name: String) async throws -> Tag {
        try await repository.findOrCreate(accountID: accountID, name: name)
    }

    /// Renames a tag read through `owned`; a name the account already uses is refused (`tag_name_taken`).
    public func rename(_ tag: Tag, to name: String) async throws { try await repository.rename(id: tag.id, to: name) }

    /// Deletes a tag read through `owned` and every attachment of it.
    public func delete(_ tag: Tag) async throws { try await repository.delete(id: tag.id) }

    /// Attaches or detaches the tag on one datapoint or group of its own account; another account's is refused
    /// (`datapoint_unknown`, `group_unknown`) before anything is written.
    public func set(_ tag: Tag, on carrier: Carrier, attached: Bool) async throws {
        let (target, id, kind): (Target, Int64, String) =
            switch carrier {
            case .datapoint(let datapoint): (.datapoint, datapoint.id, "datapoint")
            case .group(let group): (.group, group.id, "group")
            }
        guard carrier.accountID == tag.accountID else {
            throw ValidationError(field: "Id", code: "\(kind)_unknown", message: "no \(kind) \(id) in this account")
        }
        try await repository.set(tagID: tag.id, target, id: id, attached: attached)
    }

    /// Detaches the tag from every datapoint (or group) it is on.
    public func detachAll(_ tag: Tag, _ target: Target) async throws { try await repository.detachAll(tagID: tag.id, target) }

    /// Makes `names` (comma-free, trimmed, blanks ignored) the exact tags of one of the account's datapoints: tags no
    /// longer named are detached, new names are found or created and attached.
    public func replaceTags(of datapoint: Datapoint, with names: [String]) async throws {
        let wanted = Set(names.map(\.trimmingSpaces).filter { !$0.isEmpty })
        let current = try await repository.tags(ofDatapoints: [datapoint.id])[datapoint.id] ?? []
        for tag in current where !wanted.contains(tag.name) {
            try await repository.set(tagID: tag.id, .datapoint, id: datapoint.id, attached: false)
        }
        for name in wanted.sorted() where !current.contains(where: { $0.name == name }) {
            let tag = try await repository.findOrCreate(accountID: datapoint.accountID, name: name)
            try await repository.set(tagID: tag.id, .datapoint, id: datapoint.id, attached: true)
        }
    }

    /// Tag ids and names by datapoint, for the datapoints listed.
    public func tags(ofDatapoints ids: [Int64]) async throws -> [Int64: [(id: Int64, name: String)]] {
        try await repository.tags(ofDatapoints: ids)
    }

    /// Id and name of every tag of the account (menus and filters).
    public func names(accountID: Int64) async throws -> [(id: Int64, name: String)] { try await repository.names(accountID: accountID) }

    /// One page of the account's tag ids a filter picks, paged in SQL.
    public func page(accountID: Int64, _ filter: SQLTagRepository.Filter, _ window: PageWindow) async throws -> [Int64] {
        try await repository.page(accountID: accountID, filter, window)
    }

    public func count(accountID: Int64, _ filter: SQLTagRepository.Filter) async throws -> Int {
        try await repository.count(accountID: accountID, filter)
    }
}
