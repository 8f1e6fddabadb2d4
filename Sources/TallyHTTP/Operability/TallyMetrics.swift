import Prometheus
import Synchronization
import TallyStorage

/// The Prometheus registry `/metrics` exposes. Kept per application rather than in the global
/// `MetricsSystem`, so tests can build many applications in one process.
public final class TallyMetrics: HitWriterObserver {
    public let registry = PrometheusCollectorRegistry()
    private let responses = Mutex<[Int: Counter]>([:])
    let hitsWritten: Counter
    /// Tracking answers given in the channel pipeline, without Hummingbird: how much traffic the fast path carries.
    let fastPathAnswers: Counter
    let batchFailures: Counter
    let bufferDepth: Gauge
    let writerLag: Gauge
    let batchSize: ValueHistogram
    let commitLatency: DurationHistogram

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
    }

    /// Counts a tracking answer by its HTTP status (302, 200 for a pixel, 404, ...).
    func recordTrackingResponse(status: Int, fastPath: Bool = false) {
        if fastPath { fastPathAnswers.increment() }
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
