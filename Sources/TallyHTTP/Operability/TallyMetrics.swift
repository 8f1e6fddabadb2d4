import Prometheus
import Synchronization
import TallyStorage

/// The Prometheus registry `/metrics` exposes. Kept per application rather than in the global
/// `MetricsSystem`, so tests can build many applications in one process.
public final class TallyMetrics: HitWriterObserver {
    public let registry = PrometheusCollectorRegistry()
    private let responses = Mutex<[Int: Counter]>([:])
    private let labelled = Mutex<[String: Counter]>([:])
    let hitsWritten: Counter
    /// Tracking answers given in the channel pipeline, without Hummingbird: how much traffic the fast path carries.
    let fastPathAnswers: Counter
    let batchFailures: Counter
    let bufferDepth: Gauge
    let writerLag: Gauge
    let batchSize: ValueHistogram
    let commitLatency: DurationHistogram
    /// Time from a request's head to its answer, by kind: `tracking` (links and pixels), `api` (`/v2`), `other`.
    let durations: [RequestKind: DurationHistogram]

    enum RequestKind: String, CaseIterable {
        case tracking, api, other
    }

    public init() {
        hitsWritten = registry.makeCounter(descriptor: Self.name("hits_written", unit: "total", "Hits committed to the database."))
        fastPathAnswers = registry.makeCounter(
            descriptor: Self.name("tracking_fast_path_answers", unit: "total", "Tracking answers given from memory on the event loop."))
        batchFailures = registry.makeCounter(
            descriptor: Self.name("hit_batch_failures", unit: "total", "Hit batches that failed and were retried."))
        bufferDepth = registry.makeGauge(descriptor: Self.name("hit_buffer_depth", "Hits waiting to be written."))
        writerLag = registry.makeGauge(descriptor: Self.name("hit_writer_lag", unit: "milliseconds", "Age of the oldest unwritten hit."))
        batchSize = registry.makeValueHistogram(
            descriptor: Self.name("hit_batch_size", "Hits per committed batch."), buckets: [1, 5, 10, 50, 100, 250, 500, 1000, 2500])
        commitLatency = registry.makeDurationHistogram(
            descriptor: Self.name("hit_commit", unit: "seconds", "Time to commit one hit batch."),
            buckets: [
                .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
            ])
        let registry = registry
        durations = Dictionary(
            uniqueKeysWithValues: RequestKind.allCases.map { kind in
                let descriptor = Self.name("request_duration", unit: "seconds", "Time from a request's head to its answer, by kind.")
                return (
                    kind,
                    registry.makeDurationHistogram(
                        descriptor: descriptor, labels: [("kind", kind.rawValue)],
                        buckets: [
                            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
                            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
                        ])
                )
            })
    }

    func recordDuration(_ kind: RequestKind, since start: ContinuousClock.Instant) {
        durations[kind]?.record(ContinuousClock.now - start)
    }

    /// Counts an API request by its status (after the key layer: refusals included).
    func recordAPIRequest(status: Int) {
        count("api_requests", "API requests by HTTP status.", label: ("status", String(status)))
    }

    /// Counts a refused API authentication by its code (`key_unknown`, `key_revoked`, `rate_limited`, …).
    func recordAuthFailure(code: String) {
        count("api_auth_failures", "Refused API authentications by code.", label: ("code", code))
    }

    /// Counts a key alert raised (`rate_spike`, `new_network`, `failed_attempts`, …).
    func recordAlert(kind: String) {
        count("key_alerts", "Key alerts raised, by kind.", label: ("kind", kind))
    }

    /// One counter per metric and label value, made on first use.
    private func count(_ metric: String, _ help: String, label: (String, String)) {
        let counter = labelled.withLock { counters in
            let key = metric + "\u{0}" + label.1
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(descriptor: Self.name(metric, unit: "total", help), labels: [label])
            counters[key] = counter
            return counter
        }
        counter.increment()
    }

    /// Counts a tracking answer by its HTTP status (302, 200 for a pixel, 404, ...).
    func recordTrackingResponse(status: Int, fastPath: Bool = false) {
        if fastPath { fastPathAnswers.increment() }
        // Keyed by the status itself: this runs on every redirect.
        let counter = responses.withLock { counters in
            if let counter = counters[status] { return counter }
            let counter = registry.makeCounter(
                descriptor: Self.name("tracking_responses", unit: "total", "Answers of the tracking endpoints by HTTP status."),
                labels: [("status", String(status))])
            counters[status] = counter
            return counter
        }
        counter.increment()
    }

    static func name(_ metric: String, unit: String = "", _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "clicktally", metricName: metric, unitName: unit, helpText: help)
    }

    public func batchCommitted(size: Int, duration: Duration) {
        hitsWritten.increment(by: Int64(size))
        batchSize.record(Double(size))
        commitLatency.record(duration)
    }

    public func batchFailed(size: Int) {
        batchFailures.increment()
    }
}
