import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Prometheus
import TallyCore
import TallyStorage

/// `GET /health` and `GET /metrics`.
struct OperabilityController: Sendable {
    let database: any TallyDatabase
    let buffer: HitBuffer
    let metrics: TallyMetrics
    let clock: WallClock

    struct Health: Encodable {
        let database: String
        let writerLagMs: Int64
        let bufferedHits: Int
    }

    func addRoutes(to router: Router<TallyRequestContext>) {
        router.get("health") { _, _ in try await health() }
        router.get("metrics") { _, _ in metricsPage() }
    }

    func health() async throws -> Response {
        let reachable = await database.ping()
        let body = Health(database: reachable ? "ok" : "unreachable", writerLagMs: writerLag(), bufferedHits: buffer.depth)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: reachable ? .ok : .serviceUnavailable,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
    }

    func metricsPage() -> Response {
        metrics.bufferDepth.set(Int64(buffer.depth))
        metrics.writerLag.set(writerLag())
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
    }

    private func writerLag() -> Int64 {
        guard let oldest = buffer.oldestHitTime else { return 0 }
        return max(0, clock.now() - oldest)
    }
}
