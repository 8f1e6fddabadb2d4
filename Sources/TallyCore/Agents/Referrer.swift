import Foundation

/// A referrer's domain (lower-cased, without `www.`) and the kind of place it is: direct (no referrer), search,
/// social, email or other.
public struct Referrer: Sendable, Equatable {
    public let domain: String
    public let source: String

    static let search = [
        "google.", "bing.com", "duckduckgo.com", "search.yahoo.", "yandex.", "baidu.com", "ecosia.org", "search.brave.com", "qwant.com",
        "startpage.com",
    ]
    static let social = [
        "facebook.com", "fb.me", "t.co", "twitter.com", "x.com", "linkedin.com", "lnkd.in", "instagram.com", "reddit.com", "pinterest.",
        "youtube.com", "tiktok.com", "whatsapp.com", "t.me", "telegram.", "discord.com", "mastodon.", "threads.net", "bsky.app",
    ]
    static let email = ["mail.google.com", "outlook.live.com", "outlook.office.com", "mail.yahoo.com", "webmail.", "mail.", "gmx.", "proton.me"]

    public init(_ referrer: String) {
        guard !referrer.isEmpty, let host = URLComponents(string: referrer)?.host?.lowercased(), !host.isEmpty else {
            domain = ""
            source = referrer.isEmpty ? "direct" : "other"
            return
        }
        let bare = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
        domain = bare
        func matches(_ list: [String]) -> Bool {
            list.contains { entry in
                entry.hasSuffix(".") ? bare.hasPrefix(entry) || bare.contains("." + entry) : bare == entry || bare.hasSuffix("." + entry)
            }
        }
        // Webmail hosts first: mail.google.com is not Google search.
        source = matches(Self.email) ? "email" : matches(Self.search) ? "search" : matches(Self.social) ? "social" : "other"
    }
}
