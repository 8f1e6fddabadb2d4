import NIOCore
import NIOPosix

// Run Swift concurrency on NIO's event loops instead of a separate thread pool, so a request's handler
// runs on the thread that read it: no hop between the event loop and the task pool on the hot path.
// It has to happen on the main thread before any task exists, hence before the command is parsed.
MallocArenas.onePerCore()
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
await ClickTally.parseAndRun()
