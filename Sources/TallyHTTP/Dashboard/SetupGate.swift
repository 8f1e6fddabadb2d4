import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import TallyCore
import TallyStorage

/// The first-run gate: while no user exists, `serve` makes one random token and prints the setup URL with it;
/// `/dashboard/setup` creates the owner only with that token, and only once (the token is spent under a lock,
/// so two browsers racing cannot both create an owner).
final class SetupGate: Sendable {
    private let token: Mutex<String?>

    init(open: Bool) {
        token = Mutex(open ? SignInSecrets.token() : nil)
    }

    /// The token while setup is open (for the start-up message and tests).
    var currentToken: String? { token.withLock { $0 } }

    func matches(_ candidate: String) -> Bool {
        token.withLock { current in current.map { ConstantTime.equal($0, candidate) } ?? false }
    }

    /// Spends the token if it matches; true exactly once.
    func take(_ candidate: String) -> Bool {
        token.withLock { current in
            guard let open = current, ConstantTime.equal(open, candidate) else { return false }
            current = nil
            return true
        }
    }

    /// Gives the token back when the owner could not be created (say, a too-short password).
    func restore(_ candidate: String) {
        token.withLock { current in if current == nil { current = candidate } }
    }
}
