import CMallocTuning
import Foundation

/// glibc's malloc gives threads that contend for it arenas of their own, up to eight per core, and keeps what they free
/// in each. The server's threads (event loops, SQLite's connection threads, the hit writer's) all allocate under load:
/// cold redirects at a million links in a closed loop of 64 connections took the resident memory from 59 to 276 MiB;
/// with one arena per core it peaked at 238–251 MiB in the same run, at the same rate within this machine's noise
/// (docs/benchmarks.md). `MALLOC_ARENA_MAX` in the environment still decides when set.
enum MallocArenas {
    static func onePerCore() {
        guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil else { return }
        _ = clicktally_limit_malloc_arenas(Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
    }
}
