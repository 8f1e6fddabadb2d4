/// The URL people click (or embed, for a pixel): the domain's base followed by the datapoint's name.
public enum TrackingCode {
    /// - Parameters:
    ///   - publicURL: the system domain's base, e.g. `https://trk.example.com` (a trailing `/` is ignored).
    ///   - domain: the datapoint's domain; custom domains are served over https.
    public static func url(publicURL: String, domain: Domain, name: String) -> String {
        let base: String
        if domain.type == .system {
            base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        } else {
            base = "https://\(domain.name)"
        }
        return "\(base)/\(name)"
    }
}
