import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

extension DashboardController {
    static let editableModes: [(DestinationMode, String)] = [
        (.simple, "One destination"), (.random, "Rotator: random"), (.sequential, "Rotator: in turn"), (.spillover, "Rotator: spillover"),
        (.weighted, "Rotator: weighted"),
    ]

    func linkForm(
        _ visit: Visit, fields: LinkFormView.Fields, editing: Datapoint? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let groups = try await services.groups.list(accountID: visit.session.accountID)
        let view = LinkFormView(
            fields: fields, groups: groups.map { DashboardChoice(id: $0.id, name: $0.name, selected: String($0.id) == fields.groupID) },
            modes: Self.editableModes.map { mode, label in .init(value: mode.rawValue, label: label, selected: String(mode.rawValue) == fields.mode)
            },
            editing: editing.map { ($0.id, trackingURL($0)) }, error: error)
        return html.page(
            "link-form", title: editing.map { "Edit \($0.name)" } ?? "New link", view, session: visit.session, section: "links", status: status)
    }

    static func formFields(_ datapoint: Datapoint, tags: TagService) async throws -> LinkFormView.Fields {
        let names = try await tags.tags(ofDatapoints: [datapoint.id])[datapoint.id]?.map(\.name) ?? []
        return LinkFormView.Fields(
            isLink: datapoint.type == .trackingLink, destination: datapoint.destinationURL ?? "", name: datapoint.name, title: datapoint.title,
            groupID: datapoint.groupID.map(String.init) ?? "", tagList: names.joined(separator: ", "),
            redirect: String(datapoint.redirectType.rawValue), mode: String(datapoint.options.mode.rawValue),
            rotation: datapoint.options.destinations.map { datapoint.options.mode == .weighted ? "\($0.url) \($0.weight)" : $0.url }.joined(
                separator: "\n"))
    }

    func saveLink(_ visit: Visit, existing: Datapoint?) async throws -> Response {
        let form = visit.form
        let isLink = existing.map { $0.type == .trackingLink } ?? (form["type"] != "pixel")
        let echo = LinkFormView.Fields(
            isLink: isLink, destination: form.trimmed("destination"), name: form.trimmed("name"), title: form.trimmed("title"),
            groupID: form.trimmed("group"), tagList: form.trimmed("tags"), redirect: form["redirect"] ?? "302", mode: form["mode"] ?? "0",
            rotation: form["rotation"] ?? "")
        do {
            let redirect = RedirectType(rawValue: Int(form["redirect"] ?? "") ?? 302) ?? .found
            var options = LinkOptions()
            options.mode = DestinationMode(rawValue: Int(form["mode"] ?? "") ?? 0) ?? .simple
            if options.mode.isRotator {
                options.destinations = try (form["rotation"] ?? "").split(whereSeparator: \.isNewline).map { line throws(ValidationError) in
                    let parts = line.split(separator: " ", omittingEmptySubsequences: true)
                    guard let url = parts.first else {
                        throw ValidationError(field: "rotation", code: "destination_invalid", message: "one destination URL per line")
                    }
                    let weight = parts.count > 1 ? Int(parts[1]) ?? 0 : 1
                    return RotatorDestination(
                        url: try DestinationURL.validate(String(url), trackingHosts: services.domains.trackingHosts), weight: weight)
                }
            }
            try options.validate()
            var groupID: Int64?
            if let id = Int64(form.trimmed("group")) {
                guard try await services.groups.owned(id, accountID: visit.session.accountID, includeDeleted: false) != nil else {
                    throw ValidationError(field: "group", code: "group_unknown", message: "choose one of your campaigns")
                }
                groupID = id
            }
            let name = form.trimmed("name")
            let destination = form.trimmed("destination")
            var saved: Datapoint
            if var datapoint = existing {
                let previous = datapoint
                datapoint.title = form.trimmed("title")
                datapoint.groupID = groupID
                if isLink {
                    datapoint.destinationURL = destination
                    datapoint.redirectType = redirect
                    datapoint.options.mode = options.mode
                    datapoint.options.destinations = options.destinations
                }
                saved = try await services.datapoints.save(datapoint, previous: previous)
            } else {
                var request = DatapointService.CreateRequest(
                    type: isLink ? .trackingLink : .trackingPixel, destination: isLink ? destination : nil, name: name.isEmpty ? nil : name,
                    title: form.trimmed("title"), redirectType: redirect, groupID: groupID)
                request.options = options
                saved = try await services.datapoints.create(accountID: visit.session.accountID, domain: services.domains.systemDomain, request)
            }
            try await services.tags.replaceTags(of: saved, with: form.trimmed("tags").split(separator: ",").map(String.init))
            return DashboardHTML.seeOther("/dashboard/links/\(saved.id)")
        } catch let error as ValidationError {
            return try await linkForm(visit, fields: echo, editing: existing, error: error.message, status: .badRequest)
        }
    }
}
