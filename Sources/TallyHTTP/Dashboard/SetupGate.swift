import Foundation
import Synchronization
import TallyCore
import TallyStorage

/// The first-run gate: while no user exists, each node makes one random token at start, prints the setup URL with it
/// and adds its hash to the database (`SetupTokens`), so the URL works on whichever node a balancer picks;
/// `/dashboard/setup` creates the owner only with one of those tokens, and only once in the cluster (creating the owner
/// spends every token in one statement: two browsers racing, on one node or two, cannot both create an owner).
final class SetupGate: Sendable {
    /// This node's token (for the start-up message and tests): `nil` when a user existed at start or once this node
    /// created the owner.
    var currentToken: String? { spentHere.withLock { $0 } ? nil : own }
    private let own: String?
    private let spentHere = Mutex(false)
    let tokens: SetupTokens

    private init(token: String?, tokens: SetupTokens) {
        own = token
        self.tokens = tokens
    }

    /// Opens setup when no user exists yet: a new token of this node's, added to the cluster's.
    static func make(database: any TallyDatabase, open: Bool, now: Int64) async throws -> SetupGate {
        let tokens = SetupTokens(database: database)
        guard open else { return SetupGate(token: nil, tokens: tokens) }
        let token = SignInSecrets.token()
        try await tokens.add(token, now: now)
        return SetupGate(token: token, tokens: tokens)
    }

    func matches(_ candidate: String) async throws -> Bool {
        try await tokens.isOpen(candidate)
    }

    /// Spends the tokens if `candidate` is one; non-nil exactly once in the cluster.
    func take(_ candidate: String) async throws -> SetupTokens.Spent? {
        let spent = try await tokens.spend(candidate)
        if spent != nil { spentHere.withLock { $0 = true } }
        return spent
    }

    /// Gives the tokens back when the owner could not be created (say, a too-short password).
    func restore(_ spent: SetupTokens.Spent) async throws {
        try await tokens.restore(spent)
        spentHere.withLock { $0 = false }
    }
}
