import Foundation
import SQLKit
import TallyCore

/// The data of each event as receivers get it (inside the envelope `WebhookDispatcher.body` writes), and the calls that
/// queue them. JSON with sorted keys, so a payload is the same bytes wherever it was made.
public enum WebhookPayloads {
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    struct KeyData: Encodable {
        let id: String, name: String, scopes: String, status: String
        let expiresAt: Int64?
    }

    /// `key.created|rotated|revoked|expiring|stale`: the key's public id, name, scopes and status — never its secret.
    static func key(_ key: APIKey) -> String {
        json(
            KeyData(
                id: key.publicID, name: key.name, scopes: key.scopes.description,
                status: key.status == .revoked ? "revoked" : key.status == .disabled ? "disabled" : "active", expiresAt: key.expiresAt))
    }

    struct AlertData: Encodable {
        let kind: String, message: String, createdAt: Int64
    }

    static func alert(_ alert: KeyAlert) -> String {
        json(AlertData(kind: alert.kind.rawValue, message: alert.message, createdAt: alert.createdAt))
    }

    struct LinkData: Encodable {
        let id: Int64, name: String, domainId: Int64, type: String, destination: String?, status: String, groupId: Int64?, updatedAt: Int64
    }

    /// `link.created|updated|deleted`.
    public static func link(_ datapoint: Datapoint, status: String) -> String {
        json(
            LinkData(
                id: datapoint.id, name: datapoint.name, domainId: datapoint.domainID,
                type: datapoint.type == .trackingLink ? "tl" : "tp", destination: datapoint.destinationURL, status: status,
                groupId: datapoint.groupID, updatedAt: datapoint.updatedAt))
    }

    struct ConversionData: Encodable {
        let id: Int64, conversionId: Int64, linkId: Int64?, time: Int64, value: Double, commission: Double, unique: Bool, origin: String
        let parameters: String
    }

    /// `conversion.created`: a conversion recorded (pixel, script or API), with the link it was credited to.
    static func conversion(_ event: ConversionEvent, id: Int64, unique: Bool) -> String {
        json(
            ConversionData(
                id: id, conversionId: event.conversionID, linkId: event.datapointID, time: event.time, value: event.value,
                commission: event.commission, unique: unique, origin: event.origin, parameters: event.parameters))
    }

    /// Clicks per event: a batch of the writer becomes one event per account, or several past this size.
    static let clicksPerEvent = 500

    /// `link.clicked` for the accounts of this batch that subscribed, in the writer's transaction (so a click's event
    /// is as durable as the click). No IP address leaves: the country, browser and device do.
    static func enqueueClicks(_ recorded: [RecordedHit], owners: [Int64: StatsRollup.Owner], now: Int64, in db: any SQLDatabase) async throws {
        let subscribed = try await WebhookOutbox.subscribed(Array(Set(owners.values.map(\.accountID))), to: .linkClicked, in: db)
        guard !subscribed.isEmpty else { return }
        // JSONWriter, not JSONEncoder: this runs for every click of a subscribed account, inside the writer's batch.
        var byAccount: [Int64: [RecordedHit]] = [:]
        for entry in recorded {
            guard let owner = owners[entry.hit.datapointID], subscribed.contains(owner.accountID) else { continue }
            byAccount[owner.accountID, default: []].append(entry)
        }
        for (accountID, clicks) in byAccount.sorted(by: { $0.key < $1.key }) {
            for start in stride(from: 0, to: clicks.count, by: clicksPerEvent) {
                var json = JSONWriter(capacity: 160 * min(clicksPerEvent, clicks.count - start))
                json.object { json in
                    json.key("clicks")
                    json.array(clicks[start..<min(start + clicksPerEvent, clicks.count)]) { json, entry in
                        let hit = entry.hit
                        json.object { json in
                            json.member("linkId", hit.datapointID)
                            json.member("time", hit.time)
                            json.member("unique", entry.isUnique)
                            json.member("bot", hit.spider.isSpider)
                            json.member("country", hit.country)
                            json.member("browser", hit.browser)
                            json.member("os", hit.os)
                            json.member("device", hit.deviceType)
                            json.member("referrer", hit.referrerDomain)
                            json.member("language", hit.language)
                        }
                    }
                }
                try await WebhookOutbox.enqueue(
                    accountID: accountID, event: .linkClicked, subject: "clicks", payload: String(decoding: json.bytes, as: UTF8.self), now: now,
                    in: db)
            }
        }
    }
}
