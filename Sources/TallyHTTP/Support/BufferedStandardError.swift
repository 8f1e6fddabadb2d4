import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Standard error written in batches of whole lines, like nginx's `access_log … buffer=`: at `info` the
/// server logs every request, and one `write(2)` per line cost about a third of a redirect's CPU.
/// Lines reach the file when 64 KiB have gathered, within a quarter of a second otherwise, at once for
/// anything urgent (notice and above flush everything before them, in order), and at exit.
public final class BufferedStandardError: Sendable {
    public static let shared = BufferedStandardError(descriptor: 2)

    static let capacity = 64 * 1024
    static let interval: TimeInterval = 0.25

    private let descriptor: Int32
    private let pending = Mutex<[UInt8]>([])
    /// Held from taking the pending bytes until they are written, so batches reach the file in the order taken.
    private let writing = Mutex<Void>(())
    private let flusherStarted = Atomic<Bool>(false)
    /// What the flusher thread waits on between flushes: a quarter of a second, or a tick a test gives by hand.
    private let pause: @Sendable () -> Void

    init(descriptor: Int32, pause: @escaping @Sendable () -> Void = { Thread.sleep(forTimeInterval: BufferedStandardError.interval) }) {
        self.descriptor = descriptor
        self.pause = pause
    }

    public func append(_ line: String, urgent: Bool = false) {
        startFlusherOnce()
        let full = pending.withLock { pending in
            pending.append(contentsOf: line.utf8)
            return pending.count >= Self.capacity
        }
        if urgent || full { flush() }
    }

    public func flush() {
        writing.withLock { _ in
            let bytes = pending.withLock { pending in
                let taken = pending
                pending = []
                pending.reserveCapacity(Self.capacity)
                return taken
            }
            bytes.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }

    private func startFlusherOnce() {
        guard !flusherStarted.load(ordering: .relaxed),
            flusherStarted.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
        else { return }
        Thread.detachNewThread { [self] in
            while true {
                pause()
                flush()
            }
        }
    }
}
