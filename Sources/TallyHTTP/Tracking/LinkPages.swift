import Foundation
import NIOCore
import NIOHTTP1
import TallyCore

/// The pages a tracking link shows instead of a bare redirect: a frame keeping the tracking
/// URL in the address bar (`hideUrl`), and an intermediate page that fires retargeting scripts and/or controls
/// the referrer (`referrerClean`) before moving on. Every page works without JavaScript (meta refresh).
///
/// Retargeting scripts are tenant-written HTML and JavaScript served from this server's origin, which is also the
/// dashboard's: run there, a script could read a signed-in user's dashboard and mint an admin key. So tenant code
/// never runs in this origin. The intermediate page is served under `Content-Security-Policy: sandbox …` without
/// `allow-same-origin` (an opaque origin: no cookies of ours, no reading our pages, no form posts); the frame page
/// cannot be sandboxed as a whole (the destination inside would inherit the sandbox and lose its own storage), so its
/// scripts run in a sandboxed `srcdoc` frame of their own.
enum LinkPages {
    /// Scripts run and may open pop-ups or move the whole tab on (what retargeting tags do); nothing else.
    static let sandbox = "sandbox allow-scripts allow-top-navigation allow-popups"

    static func answer(destination: String, options: LinkOptions, scripts: [RetargetingScript]) -> TrackingAnswer {
        let html = options.hideURL ? frame(destination, options, scripts) : intermediate(destination, options, scripts)
        var headers: HTTPHeaders = [
            "Content-Type": "text/html; charset=utf-8", "Cache-Control": TrackingResponses.noStore,
            "Content-Length": String(html.utf8.count), "X-Robots-Tag": "noindex, nofollow",
        ]
        if let policy = referrerPolicy(options.referrerClean) { headers.add(name: "Referrer-Policy", value: policy) }
        if !options.hideURL { headers.add(name: "Content-Security-Policy", value: sandbox) }
        return TrackingAnswer(status: .ok, headers: headers, body: ByteBuffer(string: html))
    }

    /// `Clean` sends no referrer at all; `Myself` sends only the tracking domain's origin.
    static func referrerPolicy(_ clean: ReferrerClean) -> String? {
        switch clean {
        case .none: nil
        case .clean: "no-referrer"
        case .myself: "origin"
        }
    }

    private static func head(title: String, _ options: LinkOptions) -> String {
        var head = "<meta charset=\"utf-8\"><title>\(escaped(title))</title><meta name=\"robots\" content=\"noindex, nofollow\">"
        if let policy = referrerPolicy(options.referrerClean) { head += "<meta name=\"referrer\" content=\"\(policy)\">" }
        return head
    }

    private static func frame(_ destination: String, _ options: LinkOptions, _ scripts: [RetargetingScript]) -> String {
        let title = options.hideURLTitle.isEmpty ? destination : options.hideURLTitle
        return """
            <!doctype html>
            <html><head>\(head(title: title, options))
            <style>html,body{margin:0;padding:0;height:100%;overflow:hidden}iframe{border:0;width:100%;height:100%;display:block}</style>
            </head><body>
            <iframe src="\(escaped(destination))" title="\(escaped(title))"></iframe>
            \(sandboxedScripts(scripts))
            </body></html>

            """
    }

    private static func intermediate(_ destination: String, _ options: LinkOptions, _ scripts: [RetargetingScript]) -> String {
        // Scripts get a moment to load their pixels before the page moves on; a bare referrer page moves at once.
        let delay = scripts.isEmpty ? 0 : 1
        return """
            <!doctype html>
            <html><head>\(head(title: "Redirecting…", options))
            <meta http-equiv="refresh" content="\(delay);url=\(escaped(destination))">
            </head><body>
            \(scripts.map(\.script).joined(separator: "\n"))
            <p><a href="\(escaped(destination))">Continue to \(escaped(destination))</a></p>
            <script>window.addEventListener("load",function(){setTimeout(function(){location.replace(\(javaScriptString(destination)))},\(scripts.isEmpty ? 0 : 300))});</script>
            </body></html>

            """
    }

    /// The scripts in a hidden frame with an opaque origin (no `allow-same-origin`), for the frame page.
    static func sandboxedScripts(_ scripts: [RetargetingScript]) -> String {
        guard !scripts.isEmpty else { return "" }
        let document = "<!doctype html><meta charset=\"utf-8\">" + scripts.map(\.script).joined(separator: "\n")
        return "<iframe sandbox=\"allow-scripts allow-popups\" srcdoc=\"\(escaped(document))\" title=\"\" hidden></iframe>"
    }

    static func escaped(_ text: String) -> String { HTMLText.escaped(text) }

    /// A JavaScript string literal that cannot close the surrounding `<script>` element.
    static func javaScriptString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast()).replacingOccurrences(of: "<", with: "\\u003c")
            .replacingOccurrences(of: "\u{2028}", with: "\\u2028").replacingOccurrences(of: "\u{2029}", with: "\\u2029")
    }
}
