import Foundation
import Testing

@testable import TallyCore

@Suite struct APIKeyTokenTests {
    @Test func aGeneratedKeyParsesBackAndMatchesTheDocumentedPattern() throws {
        let token = APIKeyToken.generate()
        let text = token.text
        #expect(text.utf8.count == APIKeyToken.length)
        #expect(text.range(of: "^" + APIKeyToken.pattern + "$", options: .regularExpression) != nil)
        #expect(APIKeyToken(parsing: text) == token)
        #expect(token.lastFour == String(text.suffix(4)))
        #expect(!"\(token)".contains(token.secret))
    }

    @Test func everySingleCharacterTypoIsCaughtByTheChecksum() throws {
        let text = Array(APIKeyToken.generate().text)
        for index in APIKeyToken.prefix.count..<text.count where text[index] != "_" {
            var typo = text
            typo[index] = typo[index] == "a" ? "b" : "a"
            #expect(APIKeyToken(parsing: String(typo)) == nil, "typo at \(index)")
        }
    }

    @Test(arguments: ["", "ctk_", "ghp_abc", "CTK_" + String(repeating: "a", count: 51), "ctk_" + String(repeating: "a", count: 51)])
    func malformedTextIsRefused(_ text: String) {
        #expect(APIKeyToken(parsing: text) == nil)
    }

    @Test func secretsAreDistinctAndUseTheWholeAlphabet() {
        let tokens = (0..<200).map { _ in APIKeyToken.generate() }
        #expect(Set(tokens.map(\.secret)).count == 200)
        #expect(Set(tokens.flatMap { Array($0.secret) }).count == 62)
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum("123456789".utf8) == 0xCBF4_3926)
    }
}

@Suite struct APIScopeTests {
    @Test func presetsAndListsParse() throws {
        #expect(try APIScopeSet.parse("admin") == .admin)
        #expect(try APIScopeSet.parse(" Read-Only ") == .readOnly)
        let custom = try APIScopeSet.parse("datapoints:write, stats:read")
        #expect(custom.description == "datapoints:write,stats:read")
        #expect(custom.allows(APIScope(.datapoints, .read)))
        #expect(!custom.allows(APIScope(.stats, .write)))
        #expect(!custom.allows(APIScope(.keys, .read)))
    }

    @Test func unknownScopesAreRefusedWithTheirName() {
        #expect(throws: ValidationError.self) { _ = try APIScopeSet.parse("links:read") }
        do {
            _ = try APIScopeSet.parse("datapoints:delete")
        } catch {
            #expect(error.code == "scope_unknown")
            #expect(error.message.contains("datapoints:delete"))
        }
        #expect(throws: ValidationError.self) { try APIScopeSet.parse(" , ") }
    }

    @Test func aKeyCoversOnlyKeysWithNoMorePower() {
        #expect(APIScopeSet.admin.covers(.readWrite))
        #expect(APIScopeSet.readWrite.covers(.readOnly))
        #expect(!APIScopeSet.readWrite.covers(.admin))
        #expect(!APIScopeSet.readOnly.covers(APIScopeSet([APIScope(.tags, .write)])))
    }
}

@Suite struct TokenBucketTests {
    @Test func burstThenRateThenRefusalWithHeaders() {
        var bucket = TokenBucket(rate: 10, burst: 20, now: 0)
        let first20 = (0..<20).map { _ in bucket.take(now: 0) }
        #expect(first20.filter(\.allowed).count == 20)
        #expect(first20.last?.remaining == 0)
        let refused = bucket.take(now: 0)
        #expect(!refused.allowed && refused.retryAfterSeconds == 1 && refused.resetSeconds == 2)
        // 100 ms later one token has come back.
        #expect(bucket.take(now: 100).allowed)
        #expect(!bucket.take(now: 100).allowed)
        #expect(bucket.take(now: 10_000).remaining == 19)
    }
}

@Suite struct APIKeyVerificationTests {
    let hasher = APIKeyHasher(pepper: Array("pepper".utf8))

    func key(_ token: APIKeyToken, changes: (inout APIKey) -> Void = { _ in }) -> APIKey {
        var key = APIKey(
            id: 1, accountID: 1, publicID: token.publicID, name: "k", secretHash: hasher.hash(secret: token.secret), lastFour: token.lastFour,
            scopes: .readOnly, createdAt: 0, createdBy: "test", updatedAt: 0)
        changes(&key)
        return key
    }

    @Test func theRightSecretIsAcceptedAndAWrongOneIsUnknown() {
        let token = APIKeyToken.generate()
        #expect(key(token).verify(token, clientIP: nil, now: 1, hasher: hasher) == .accepted(usedPreviousSecret: false))
        let other = APIKeyToken(publicID: token.publicID, secret: APIKeyToken.generate().secret)
        #expect(key(token).verify(other, clientIP: nil, now: 1, hasher: hasher) == .refused(.unknown))
        // Another pepper (another server) does not accept it either.
        #expect(key(token).verify(token, clientIP: nil, now: 1, hasher: APIKeyHasher(pepper: [1])) == .refused(.unknown))
    }

    @Test func revokedExpiredAndForeignAddressesAreRefused() throws {
        let token = APIKeyToken.generate()
        #expect(key(token) { $0.status = .revoked }.verify(token, clientIP: nil, now: 1, hasher: hasher) == .refused(.revoked))
        #expect(key(token) { $0.expiresAt = 10 }.verify(token, clientIP: nil, now: 10, hasher: hasher) == .refused(.expired))
        let office = try #require(IPNetwork("203.0.113.0/24"))
        let restricted = key(token) { $0.allowedNetworks = [office] }
        #expect(restricted.verify(token, clientIP: IPAddress("203.0.113.9"), now: 1, hasher: hasher) == .accepted(usedPreviousSecret: false))
        #expect(restricted.verify(token, clientIP: IPAddress("198.51.100.1"), now: 1, hasher: hasher) == .refused(.addressNotAllowed))
        #expect(restricted.verify(token, clientIP: nil, now: 1, hasher: hasher) == .refused(.addressNotAllowed))
    }

    @Test func theOldSecretWorksOnlyDuringTheGracePeriod() {
        let old = APIKeyToken.generate()
        var generator = SystemRandomNumberGenerator()
        let new = old.withNewSecret(using: &generator)
        let rotated = key(new) {
            $0.previousSecretHash = hasher.hash(secret: old.secret)
            $0.previousValidUntil = 1000
        }
        #expect(rotated.verify(new, clientIP: nil, now: 999, hasher: hasher) == .accepted(usedPreviousSecret: false))
        #expect(rotated.verify(old, clientIP: nil, now: 999, hasher: hasher) == .accepted(usedPreviousSecret: true))
        #expect(rotated.verify(old, clientIP: nil, now: 1000, hasher: hasher) == .refused(.unknown))
    }

    @Test func storedHashesMustMatchInFull() {
        let stored = hasher.hash(secret: "s3cret")
        #expect(stored.count == 64 && hasher.matches(secret: "s3cret", storedHash: stored))
        let lastDigitChanged = String(stored.dropLast()) + (stored.last == "0" ? "1" : "0")
        #expect(!hasher.matches(secret: "s3cret", storedHash: lastDigitChanged))
        #expect(!hasher.matches(secret: "s3cret", storedHash: String(stored.dropLast())))
        #expect(!hasher.matches(secret: "s3cret", storedHash: ""))
    }
}

@Suite struct RateBaselineTests {
    @Test func aMinuteFarAboveTheKeysOwnAverageIsASpikeOnce() {
        var baseline = RateBaseline()
        // Twenty quiet minutes of 10 requests each.
        var quietSpikes = 0
        for minute in 0..<20 {
            for second in 0..<10 where baseline.record(at: Int64(minute) * 60_000 + Int64(second) * 1000) { quietSpikes += 1 }
        }
        #expect(quietSpikes == 0)
        // Then a busy minute: the spike is reported at the 50th request (5 × the average of 10), once.
        let busy: Int64 = 20 * 60_000
        let spikes = (0..<200).filter { baseline.record(at: busy + Int64($0)) }
        #expect(spikes == [49])
    }

    @Test func noSpikeWithoutHistoryOrBelowTheFloor() {
        var fresh = RateBaseline()
        let freshSpikes = (0..<500).filter { fresh.record(at: Int64($0)) }
        #expect(freshSpikes.isEmpty)
        var quiet = RateBaseline()
        for minute in 0..<15 { _ = quiet.record(at: Int64(minute) * 60_000) }
        // Average ≈ 1 a minute: 5 would be 5×, but the floor is 30.
        let early = (0..<29).filter { quiet.record(at: 15 * 60_000 + Int64($0)) }
        #expect(early.isEmpty)
        let thirtieth = quiet.record(at: 15 * 60_000 + 29)
        #expect(thirtieth)
    }
}

@Suite struct GUIDKeyTests {
    @Test func guidKeysHaveClickMetersShapeAndParseInAnyCase() throws {
        let token = APIKeyToken.generate(format: .guid)
        let text = token.text
        #expect(text.range(of: "^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$", options: .regularExpression) != nil)
        #expect(APIKeyToken(parsing: text) == token)
        #expect(APIKeyToken(parsing: text.lowercased()) == token)
        #expect(APIKeyToken.format(ofPublicID: token.publicID) == .guid)
        var generator = SystemRandomNumberGenerator()
        let rotated = token.withNewSecret(using: &generator)
        #expect(rotated.format == .guid && rotated.publicID == token.publicID && rotated.secret != token.secret)
    }

    @Test func theGuidChecksumCatchesTypos() {
        let text = Array(APIKeyToken.generate(format: .guid).text)
        var caught = 0
        var tried = 0
        for index in text.indices where text[index] != "-" {
            var typo = text
            typo[index] = typo[index] == "A" ? "B" : "A"
            tried += 1
            if APIKeyToken(parsing: String(typo)) == nil { caught += 1 }
        }
        #expect(caught == tried)
        // A made-up GUID passes only if its last four digits happen to be the checksum.
        #expect(APIKeyToken(parsing: "12345678-9ABC-DEF0-1234-56789ABCDEF0") == nil)
    }
}
