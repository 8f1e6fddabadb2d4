import Logging
import ServiceLifecycle

/// The loop of the background services (key expiry sweep, request-log pruning): `body` now and then every
/// `interval` until a graceful shutdown; a failure is logged as `what` and the next round tries again.
/// The interval runs on `timer`, so tests move it by hand.
public func runPeriodically(
    every interval: Duration, on timer: any Clock<Duration>, logger: Logger, what: String, _ body: @escaping @Sendable () async throws -> Void
) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            do {
                try await body()
            } catch {
                logger.warning("\(what) failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await timer.sleep(for: interval)
        }
    }
}
