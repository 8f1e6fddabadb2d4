import Foundation

/// ClickMeter's dynamic destination (DDU, ClickMeter's API v2): `?ddu=example.com/page` sends the visitor there
/// when the host is on the account's domain whitelist, matched exactly (`example.com` does not cover
/// `www.example.com`); anything else falls back to the link's main destination.
public enum DynamicDestination {
    /// The query without its `ddu` parameter, so it is not forwarded to the destination.
    public static func split(query: String) -> (ddu: String?, rest: String) {
        var ddu: String?
        var kept: [Substring] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name = pair.prefix { $0 != "=" }
            if name.lowercased() == "ddu" {
                if ddu == nil {
                    let raw = pair.dropFirst(name.count + 1).replacingOccurrences(of: "+", with: " ")
                    ddu = raw.removingPercentEncoding ?? raw
                }
            } else {
                kept.append(pair)
            }
        }
        return (ddu, kept.joined(separator: "&"))
    }

    /// The absolute URL to send the visitor to, or `nil` when `ddu` is not allowed (not http/https, not on the
    /// whitelist, or pointing back at ClickTally itself).
    public static func target(_ ddu: String, whitelist: Set<String>, trackingHosts: Set<String>) -> String? {
        let trimmed = ddu.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        let lowered = trimmed.lowercased()
        let absolute = lowered.hasPrefix("http://") || lowered.hasPrefix("https://") ? trimmed : "http://" + trimmed
        guard let valid = try? DestinationURL.validate(absolute, trackingHosts: trackingHosts),
            let host = URLComponents(string: valid)?.host?.lowercased(), whitelist.contains(host)
        else { return nil }
        return valid
    }
}
