import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The event loops' threads made a little less urgent than the hit writer's (its Swift thread and SQLite's), so the
/// writer keeps up with the redirects instead of the redirects outrunning it. On two cores at the redirect benchmark's
/// closed loop, all threads equal, the writer fell behind, the hit buffer filled (60,000 hits, 3 s behind) and every
/// redirect then waited for a batch to commit: p99 370 ms at p50 2.4 ms. With the loops at nice 4 the buffer never
/// filled and p99 was 12–13 ms at the same rate; at nice 2 the writer still fell behind, at nice 8 or more the loops lost
/// too much to the load generator (p99 18–140 ms). Raising a thread's nice value needs no privilege.
public enum EventLoopNiceness {
    /// Sets the nice value of each of `group`'s threads (Linux schedules threads one by one) and returns what each
    /// thread reads back afterwards; elsewhere it does nothing and returns nothing.
    @discardableResult
    public static func apply(_ nice: Int32, to group: any EventLoopGroup) async throws -> [Int32] {
        #if os(Linux)
            var values: [Int32] = []
            for loop in group.makeIterator() {
                values.append(
                    try await loop.submit { () -> Int32 in
                        // Who 0 is the calling thread: Linux keeps the nice value per thread.
                        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
                        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
                    }.get())
            }
            return values
        #else
            return []
        #endif
    }
}
