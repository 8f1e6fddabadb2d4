import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// `/v2/datapoints/batch`: PUT creates many, POST (or PATCH) updates many, DELETE deletes many.
/// Each item stands alone: one bad item gets its own errors and the others are still done.
extension DatapointsController {
    struct BatchItemWire: Encodable, Sendable {
        let result: EntityURI?
        let entityData: DatapointWire?
        let status: String
        let errors: [ErrorWire]
    }

    struct ErrorWire: Encodable, Sendable {
        let property: String
        let errorMessage: String
        let code: String
    }

    struct BatchWire: ResponseEncodable {
        let results: [BatchItemWire]
    }

    static let batchLimit = 1000

    func addBatchRoutes(to api: APIRoutes) {
        api.on(.put, "datapoints/batch", scope: APIScope(.datapoints, .write)) { request, context, auth in
            let items = try Self.items(try await WireBody.read(request, context), "list")
            var results: [BatchItemWire] = []
            for item in items {
                results.append(await outcome(auth) { try await create(item, auth) })
            }
            return BatchWire(results: results)
        }
        for method in [HTTPRequest.Method.post, .patch] {
            api.on(method, "datapoints/batch", scope: APIScope(.datapoints, .write)) { request, context, auth in
                let items = try Self.items(try await WireBody.read(request, context), "list")
                var results: [BatchItemWire] = []
                for item in items {
                    results.append(
                        await outcome(auth) {
                            try await update(try await ownedForBatch(try item.int64("id"), auth), with: item, auth)
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

    private func ownedForBatch(_ id: Int64?, _ auth: APIAuth) async throws -> Datapoint {
        guard let id else { throw ValidationError(field: "Id", code: "id_required", message: "Id is required") }
        guard let datapoint = try await repository.find(id: id), datapoint.accountID == auth.accountID, auth.allows(datapoint) else {
            throw ValidationError(field: "Id", code: "not_found", message: "no datapoint \(id) in this account")
        }
        return datapoint
    }

    private func outcome(_ auth: APIAuth, _ body: () async throws -> Datapoint) async -> BatchItemWire {
        do {
            let datapoint = try await Self.mapped(body)
            return BatchItemWire(
                result: EntityURI("datapoints", datapoint.id), entityData: try await wires([datapoint], auth).first, status: "OK", errors: [])
        } catch let error as ValidationError {
            return BatchItemWire(
                result: nil, entityData: nil, status: "Error",
                errors: [ErrorWire(property: error.field, errorMessage: error.message, code: error.code)])
        } catch {
            return BatchItemWire(
                result: nil, entityData: nil, status: "Error",
                errors: [ErrorWire(property: "", errorMessage: "the item could not be saved", code: "unavailable")])
        }
    }
}
