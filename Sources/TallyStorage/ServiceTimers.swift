/// The clocks the background services' intervals run on: the link and list refresher, the hit writer's linger and
/// back-off, the periodic jobs (key expiry, request-log pruning, re-bucketing) and the live streams (their polls,
/// keep-alives and `maxSeconds`). The system's monotonic clock in
/// production; in tests a clock they move by hand, so no test waits for real time to pass.
public struct ServiceTimers: Sendable {
    public var refresh: any Clock<Duration>
    public var writer: any Clock<Duration>
    public var jobs: any Clock<Duration>
    public var streams: any Clock<Duration>

    public init(
        refresh: any Clock<Duration> = ContinuousClock(), writer: any Clock<Duration> = ContinuousClock(),
        jobs: any Clock<Duration> = ContinuousClock(), streams: any Clock<Duration> = ContinuousClock()
    ) {
        self.refresh = refresh
        self.writer = writer
        self.jobs = jobs
        self.streams = streams
    }

    public static let system = ServiceTimers()
}
