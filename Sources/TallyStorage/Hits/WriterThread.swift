import Foundation
import Synchronization

/// A thread of its own for the hit writer's Swift work (enrichment of each hit, building the batch's SQL, the
/// roll-ups). `serve` makes NIO's event loops Swift's global executor, so there a batch of thousands of hits held an
/// event loop for tens of milliseconds, and every connection of that loop waited behind it: the redirect's p99 grew
/// with the batch (measured at a million links: 30 ms with 20 ms
/// batches, 70 ms with 500 ms, 99 ms with 2 s). The writer prefers this executor, so the kernel shares the cores
/// between it and the event loops instead.
public final class WriterThread: TaskExecutor {
    /// One for the process: writers of several servers in one process (tests) take turns on it; each waits on its
    /// database off this thread, so none holds it while another has work.
    public static let shared = WriterThread(name: "hit-writer")

    private let jobs = Mutex<[UnownedJob]>([])
    private let wake = DispatchSemaphore(value: 0)

    init(name: String) {
        let thread = Thread { [self] in
            // Foundation's name is not the kernel's on Linux: without this the thread keeps the name of the event loop
            // that created it, and `top -H` or `perf` count the writer's time as that loop's.
            // (pthread_setname_np is not in Swift's Glibc module; the kernel takes the name from this file as well.)
            #if os(Linux)
                try? Data(name.prefix(15).utf8).write(to: URL(fileURLWithPath: "/proc/thread-self/comm"))
            #endif
            run()
        }
        thread.name = name
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        wake.signal()
    }

    /// One job per signal, in the order enqueued; the thread lives as long as the process.
    private func run() {
        while true {
            wake.wait()
            guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
