import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// `/v2/datapoints/batch`: PUT creates many, POST (or PATCH) updates many, DELETE deletes many.
/// Each item stands alone: one bad item gets its own errors and the others are still done.
extension DatapointsController {
    struct BatchItemWire: Encodable, Sendable, JSONWritable {
        let result: EntityURI?
        let entityData: DatapointWire?
        let status: String
        let errors: [ErrorWire]

        func write(to json: inout JSONWriter) {
            json.object { json in
                json.member("result", ifPresent: result)
                json.member("entityData", ifPresent: entityData)
                json.member("status", status)
                json.member("errors", errors)
            }
        }
    }

    struct ErrorWire: Encodable, Sendable, JSONWritable {
        let property: String
        let errorMessage: String
        let code: String

        func write(to json: inout JSONWriter) {
            json.object { json in
                json.member("property", property)
                json.member("errorMessage", errorMessage)
                json.member("code", code)
            }
        }
    }

    /// Written by hand (`JSONWritable`): `JSONEncoder` took a fifth of a 100-link batch's CPU.
    struct BatchWire: Encodable, ResponseGenerator, JSONWritable {
        let results: [BatchItemWire]

        func write(to json: inout JSONWriter) {
            json.object { json in json.member("results", results) }
        }

        func response(from request: Request, context: some RequestContext) -> Response { JSONWriter.response(self) }
    }

    static let batchLimit = 1000

    func addBatchRoutes(to api: APIRoutes) {
        api.on(.put, "datapoints/batch", scope: APIScope(.datapoints, .write)) { request, context, auth in
            try await createBatch(Self.items(try await WireBody.read(request, context), "list"), auth)
        }
        for method in [HTTPRequest.Method.post, .patch] {
            api.on(method, "datapoints/batch", scope: APIScope(.datapoints, .write)) { request, context, auth in
                let items = try Self.items(try await WireBody.read(request, context), "list")
                var results: [BatchItemWire] = []
                for item in items {
                    results.append(
                        await outcome(auth) {
                            try await editor.update(try await ownedForBatch(try item.int64("id"), auth), with: item, auth)
                        })
                }
                return BatchWire(results: results)
            }
        }
        api.on(.delete, "datapoints/batch", scope: APIScope(.datapoints, .write)) { request, context, auth in
            let items = try Self.items(try await WireBody.read(request, context), "entities")
            var results: [BatchItemWire] = []
            for item in items {
                results.append(
                    await outcome(auth) {
                        let existing = try await ownedForBatch(try item.int64("id"), auth)
                        return try await service.setStatus(id: existing.id, to: .deleted) ?? existing
                    })
            }
            return BatchWire(results: results)
        }
    }

    static func items(_ body: WireObject, _ member: String) throws -> [WireObject] {
        guard let items = try body.objects(member) else {
            throw ValidationError(field: WireObject.property(member), code: "list_required", message: "\(WireObject.property(member)) is required")
        }
        guard items.count <= batchLimit else {
            throw ValidationError(field: WireObject.property(member), code: "batch_too_large", message: "at most \(batchLimit) items a batch")
        }
        return items
    }

    /// Every item checked on its own, then all the valid ones written in one transaction and answered with one
    /// query each for their tags, conversions and groups (a batch of 100 links was 100 transactions and 400 queries).
    private func createBatch(_ items: [WireObject], _ auth: APIAuth) async throws -> BatchWire {
        var knownGroups = Set<Int64>()
        for groupID in Set(items.compactMap { try? $0.int64("groupId") }) {
            if (try? await editor.checkGroup(groupID, auth)) != nil { knownGroups.insert(groupID) }
        }
        var outcomes: [Result<Datapoint, any Error>?] = Array(repeating: nil, count: items.count)
        var requests: [(index: Int, domain: Domain, request: DatapointService.CreateRequest)] = []
        for (index, item) in items.enumerated() {
            do {
                let (domain, request) = try await editor.createRequest(item, auth, knownGroups: knownGroups)
                requests.append((index, domain, request))
            } catch {
                outcomes[index] = .failure(error)
            }
        }
        let created = try await service.createMany(accountID: auth.accountID, requests.map { ($0.domain, $0.request) })
        for (item, result) in zip(requests, created) { outcomes[item.index] = result }
        let done = outcomes.compactMap { outcome -> Datapoint? in if case .success(let datapoint)? = outcome { datapoint } else { nil } }
        var wired: [Int64: DatapointWire] = [:]
        for wire in try await access.wires(done, auth) { wired[wire.id] = wire }
        return BatchWire(
            results: outcomes.map { outcome in
                switch outcome {
                case .success(let datapoint)?:
                    BatchItemWire(result: EntityURI("datapoints", datapoint.id), entityData: wired[datapoint.id], status: "OK", errors: [])
                case .failure(let error)?: Self.failure(DatapointEditor.mappedError(error))
                case nil: Self.failure(ValidationError(field: "", code: "unavailable", message: "the item could not be saved"))
                }
            })
    }

    static func failure(_ error: any Error) -> BatchItemWire {
        guard let error = error as? ValidationError else {
            return BatchItemWire(
                result: nil, entityData: nil, status: "Error",
                errors: [ErrorWire(property: "", errorMessage: "the item could not be saved", code: "unavailable")])
        }
        return BatchItemWire(
            result: nil, entityData: nil, status: "Error", errors: [ErrorWire(property: error.field, errorMessage: error.message, code: error.code)])
    }

    private func ownedForBatch(_ id: Int64?, _ auth: APIAuth) async throws -> Datapoint {
        guard let id else { throw ValidationError(field: "Id", code: "id_required", message: "Id is required") }
        guard let datapoint = try await access.queries.find(id: id), datapoint.accountID == auth.accountID, auth.allows(datapoint) else {
            throw ValidationError(field: "Id", code: "not_found", message: "no datapoint \(id) in this account")
        }
        return datapoint
    }

    private func outcome(_ auth: APIAuth, _ body: () async throws -> Datapoint) async -> BatchItemWire {
        do {
            let datapoint = try await DatapointEditor.mapped(body)
            return BatchItemWire(
                result: EntityURI("datapoints", datapoint.id), entityData: try await access.wires([datapoint], auth).first, status: "OK", errors: [])
        } catch {
            return Self.failure(error)
        }
    }
}
