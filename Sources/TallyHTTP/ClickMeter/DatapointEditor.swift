import Foundation
import TallyCore
import TallyStorage

/// Datapoints made and changed from ClickMeter's request bodies: the body checked (domain, group, options) into a
/// `DatapointService` request. Shared by the datapoint routes, their batches and a group's "new datapoint" route.
struct DatapointEditor: Sendable {
    let service: DatapointService
    let groups: GroupService
    let domains: DomainDirectory
    let retargeting: SQLRetargetingRepository

    func create(_ body: WireObject, _ auth: APIAuth, inGroup forcedGroup: Int64? = nil) async throws -> Datapoint {
        let (domain, request) = try await createRequest(body, auth, inGroup: forcedGroup)
        return try await service.create(accountID: auth.accountID, domain: domain, request)
    }

    /// What a create body asks for, checked (the domain, the group, the options); `knownGroups`: groups already checked
    /// in this batch.
    func createRequest(
        _ body: WireObject, _ auth: APIAuth, inGroup forcedGroup: Int64? = nil, knownGroups: Set<Int64> = []
    ) async throws -> (domain: Domain, request: DatapointService.CreateRequest) {
        let type = try body.enumeration("type", names: ClickMeterVocabulary.typeNames, numbers: ClickMeterVocabulary.typeNumbers) ?? .trackingLink
        let link = try body.object("typeTL")
        var domain = domains.systemDomain
        if let domainID = try link?.int64("domainId") {
            guard let chosen = domains.domain(id: domainID), chosen.type == .system || chosen.accountID == auth.accountID else {
                throw ValidationError(field: "TypeTL.DomainId", code: "domain_unknown", message: "no domain \(domainID) in this account")
            }
            domain = chosen
        }
        let groupID = try forcedGroup ?? body.int64("groupId")
        if !(groupID.map(knownGroups.contains) ?? false) { try await checkGroup(groupID, auth) }
        if !auth.reachesWholeAccount {
            guard let groupID, auth.allowsGroup(groupID) else {
                throw ValidationError(field: "GroupId", code: "group_not_allowed", message: "this key may only create datapoints in its groups")
            }
        }
        let options = type == .trackingLink ? try await linkOptions(from: link, existing: LinkOptions(), auth: auth) : LinkOptions()
        // A rotator's main destination is its first one when the client sends no `url` (ClickMeter's rotators have none).
        let main = try link?.string("url") ?? (options.mode.isRotator ? options.destinations.first?.url : nil)
        var request = DatapointService.CreateRequest(
            type: type, destination: type == .trackingLink ? main : nil, name: try body.string("name"),
            title: try WireText.bounded(try body.string("title") ?? "", "Title", 500),
            notes: try WireText.bounded(try body.string("notes") ?? "", "Notes", 10_000),
            redirectType: try ClickMeterVocabulary.redirectType(link) ?? .default, encodeIP: try body.bool("encodeIp") ?? false, groupID: groupID)
        request.options = options
        if request.name?.isEmpty == true { request.name = nil }
        request.isFavourite = try body.bool("preferred") == true
        return (domain, request)
    }

    func update(_ existing: Datapoint, with body: WireObject, _ auth: APIAuth) async throws -> Datapoint {
        var changed = existing
        // The running API renamed a datapoint through its update; the old short URL stops working at once.
        if let name = try body.string("name"), !name.isEmpty, name != existing.name { changed.name = name }
        if let title = try body.string("title") { changed.title = try WireText.bounded(title, "Title", 500) }
        if let notes = try body.string("notes") { changed.notes = try WireText.bounded(notes, "Notes", 10_000) }
        if let preferred = try body.bool("preferred") { changed.isFavourite = preferred }
        if let encodeIP = try body.bool("encodeIp") { changed.encodeIP = encodeIP }
        if body.has("groupId") {
            let groupID = try body.int64("groupId")
            try await checkGroup(groupID, auth)
            if !auth.reachesWholeAccount, !(groupID.map { auth.allowsGroup($0) } ?? false) {
                throw ValidationError(field: "GroupId", code: "group_not_allowed", message: "this key may only move datapoints into its groups")
            }
            changed.groupID = groupID
        }
        if let link = try body.object("typeTL"), existing.type == .trackingLink {
            if let url = try link.string("url") { changed.destinationURL = url }
            if let redirect = try ClickMeterVocabulary.redirectType(link) { changed.redirectType = redirect }
            changed.options = try await linkOptions(from: link, existing: existing.options, auth: auth)
        }
        if let status = try body.enumeration("status", names: ClickMeterVocabulary.statusNames, numbers: ClickMeterVocabulary.statusNumbers),
            status != existing.status
        {
            guard status != .abuse else {
                throw ValidationError(field: "Status", code: "status_not_allowed", message: "only the server marks a datapoint as abuse")
            }
            _ = try await service.setStatus(id: existing.id, to: status)
            changed.status = status
        }
        return try await service.save(changed, previous: existing)
    }

    /// A datapoint may only be put in a live group of its own account.
    func checkGroup(_ groupID: Int64?, _ auth: APIAuth) async throws {
        guard let groupID else { return }
        guard try await groups.owned(groupID, accountID: auth.accountID, includeDeleted: false) != nil else {
            throw ValidationError(field: "GroupId", code: "group_unknown", message: "no group \(groupID) in this account")
        }
    }

    /// The storage layer's field names in ClickMeter's property spelling.
    static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw mappedError(error)
        }
    }

    static func mappedError(_ error: any Error) -> any Error {
        guard let error = error as? ValidationError else { return error }
        let property: String =
            switch error.field {
            case "destination": "TypeTL.Url"
            case "name": "Name"
            case "status": "Status"
            default: error.field
            }
        return ValidationError(field: property, code: error.code, message: error.message)
    }
}
