import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

/// The dashboard's one style sheet and one script, compiled into the binary (no external assets: the dashboard
/// works offline and the CSP allows only 'self'). The script only adds: copy buttons and the live clickstream;
/// every page works without it.
enum DashboardAssets {
    static func response(_ text: String, type: String, cache: Bool = true) -> Response {
        var headers = DashboardHTML.headers(contentType: type)
        headers[.cacheControl] = cache ? "public, max-age=3600" : "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static let js = """
        "use strict";
        document.querySelectorAll("[data-copy]").forEach(function (button) {
          button.hidden = false;
          button.addEventListener("click", function () {
            var source = document.getElementById(button.getAttribute("data-copy"));
            var text = source.value !== undefined ? source.value : source.textContent;
            var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 2000); };
            var fallback = function () { if (source.select) { source.select(); } document.execCommand("copy"); done(); };
            if (navigator.clipboard && window.isSecureContext) {
              navigator.clipboard.writeText(text).then(done, fallback);
            } else {
              fallback();
            }
          });
        });
        document.querySelectorAll("[data-live]").forEach(function (list) {
          if (!window.EventSource) { return; }
          var url = list.getAttribute("data-live");
          var since = list.getAttribute("data-since");
          var status = document.getElementById(list.getAttribute("data-status"));
          var source = new EventSource(url + "?since=" + encodeURIComponent(since));
          source.addEventListener("open", function () { if (status) { status.textContent = "Live: new hits appear here as they happen."; } });
          source.addEventListener("hit", function (event) {
            var hit = JSON.parse(event.data);
            var item = document.createElement("li");
            item.textContent = hit.time + " · " + hit.kind + " · " + hit.country + " · " + hit.browser + " on " + hit.os +
              " · " + hit.referrer + (hit.unique === "true" ? " · unique" : "") + (hit.bot === "true" ? " · bot" : "");
            list.insertBefore(item, list.firstChild);
            var counter = document.getElementById("live-count");
            if (counter) { counter.textContent = String(Number(counter.textContent) + 1); }
          });
        });
        """

    static let css = """
        :root { color-scheme: light; --ink: #111827; --muted: #4b5563; --line: #e5e7eb; --brand: #1d4ed8; --bad: #b91c1c; --good: #15803d; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f9fafb; }
        a { color: var(--brand); }
        header.top { background: #111827; color: #fff; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
        header.top .brand { font-weight: 700; color: #fff; text-decoration: none; margin-right: 1rem; }
        header.top nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem .75rem; }
        header.top nav a { color: #e5e7eb; text-decoration: none; padding: .25rem 0; }
        header.top nav a[aria-current="page"] { color: #fff; border-bottom: 2px solid #60a5fa; }
        header.top form { margin-left: auto; }
        main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
        h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
        section.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 0 0 1rem; }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 1rem; }
        .stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .75rem; }
        .stat { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .75rem; }
        .stat b { display: block; font-size: 1.5rem; }
        label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
        label.inline { display: inline-flex; gap: .35rem; font-weight: 400; margin: .25rem 1rem .25rem 0; align-items: center; }
        input[type=text], input[type=email], input[type=password], input[type=number], input[type=search], select, textarea {
          width: 100%; max-width: 36rem; padding: .5rem; font: inherit; border: 1px solid #9ca3af; border-radius: 6px; background: #fff; }
        textarea { min-height: 6rem; }
        button, .button { display: inline-block; font: inherit; padding: .5rem .9rem; border-radius: 6px; border: 1px solid var(--brand);
          background: var(--brand); color: #fff; cursor: pointer; text-decoration: none; margin: .5rem .5rem 0 0; }
        button.secondary, .button.secondary { background: #fff; color: var(--brand); }
        button.danger { background: var(--bad); border-color: var(--bad); }
        header.top button { margin: 0; background: transparent; border-color: #6b7280; color: #e5e7eb; padding: .25rem .6rem; }
        :focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: .85rem; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
        .error { color: var(--bad); border: 1px solid var(--bad); background: #fef2f2; padding: .6rem .8rem; border-radius: 6px; }
        .notice { color: var(--good); border: 1px solid var(--good); background: #f0fdf4; padding: .6rem .8rem; border-radius: 6px; }
        .warning { border: 2px solid #d97706; background: #fffbeb; padding: .75rem 1rem; border-radius: 8px; }
        .secret { font: 1.05rem/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; background: #111827; color: #f9fafb;
          padding: .75rem; border-radius: 6px; width: 100%; max-width: none; }
        code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
        td code { overflow-wrap: normal; white-space: nowrap; }
        input[type=text].secret, textarea.secret { background: #111827; color: #f9fafb; border-color: #111827; }
        pre { background: #f3f4f6; padding: .75rem; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
        .muted { color: var(--muted); }
        .badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; border: 1px solid currentColor; }
        .badge.active { color: var(--good); } .badge.revoked, .badge.expired, .badge.paused { color: var(--bad); } .badge.rotating, .badge.disabled { color: #b45309; }
        meter { width: 100%; height: .9rem; }
        .bars li { list-style: none; margin: .2rem 0; }
        .bars { padding: 0; margin: 0; }
        .bars span { display: flex; justify-content: space-between; gap: .5rem; font-size: .9rem; }
        svg.chart { display: block; max-width: 100%; height: auto; background: #fff; }
        .qr svg { max-width: 220px; height: auto; }
        ol.live { max-height: 16rem; overflow-y: auto; font-size: .9rem; padding-left: 1.25rem; }
        .actions form, form.inline { display: inline; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        .pager a { margin-right: 1rem; }
        @media (max-width: 600px) {
          main { padding: .6rem; } h1 { font-size: 1.3rem; } header.top form { margin-left: 0; }
          th, td { padding: .35rem .4rem; font-size: .9rem; }
          /* A chart drawn 720 units wide shrinks to half on a phone: larger text keeps its axes readable. */
          svg.chart text { font-size: 22px; }
        }
        """
}
