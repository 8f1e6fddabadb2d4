import TallyCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Who has the embedded database open, across processes: every opener holds `<database>.lock` shared (`flock`), and
/// `clicktally restore` takes it exclusively, so it refuses while a server (or a command) has the file open, and a
/// server does not start in the middle of a restore. The kernel drops a dead process's lock.
final class DatabaseFileLock: Sendable {
    enum Mode { case shared, exclusive }

    private let descriptor: Int32

    /// Nil when another process holds the lock in a conflicting mode; throws when the lock file cannot be opened (a
    /// data folder the server's user may not write, say), which is not the same thing.
    init?(database path: String, _ mode: Mode) throws(ValidationError) {
        let descriptor = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ValidationError(
                field: "database", code: "database_unwritable",
                message: "cannot open \(path).lock: \(reason); the folder of the database must be writable by the server's user")
        }
        guard flock(descriptor, (mode == .shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}
