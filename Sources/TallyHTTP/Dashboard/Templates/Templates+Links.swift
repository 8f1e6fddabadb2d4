extension DashboardTemplates {
    static let links: [(String, String)] = [
        (
            "links",
            """
            <h1>Links and pixels</h1>
            {{> errors}}
            <p><a class="button" href="/dashboard/links/new">New link or pixel</a></p>
            <form method="get" action="/dashboard/links" class="card" role="search">
            <label for="q">Search name, title or destination</label><input id="q" name="q" type="search" value="{{q}}">
            <label for="status">Status</label><select id="status" name="status"><option value="">any</option>
            <option value="active"{{#status_active}} selected{{/status_active}}>active</option><option value="paused"{{#status_paused}} selected{{/status_paused}}>paused</option></select>
            <label for="type">Type</label><select id="type" name="type"><option value="">any</option>
            <option value="tl"{{#type_tl}} selected{{/type_tl}}>links</option><option value="tp"{{#type_tp}} selected{{/type_tp}}>pixels</option></select>
            <label for="group">Campaign</label><select id="group" name="group"><option value="">any</option>{{#groups}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/groups}}</select>
            <label for="tag">Tag</label><select id="tag" name="tag"><option value="">any</option>{{#tags}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/tags}}</select>
            <div><button type="submit">Filter</button> <a href="/dashboard/links">Clear</a></div>
            </form>
            <p class="muted">{{total}} found · page {{page}}</p>
            {{#none}}<p>No links match.</p>{{/none}}
            {{^none}}<div class="table-wrap"><table>
            <thead><tr><th scope="col">Name</th><th scope="col">Destination</th><th scope="col">Campaign</th><th scope="col">Tags</th><th scope="col">Hits (30 days)</th><th scope="col">Status</th></tr></thead>
            <tbody>{{#links}}<tr><td><a href="/dashboard/links/{{id}}">{{name}}</a>{{#title}}<br><small>{{title}}</small>{{/title}}<br><small class="muted">{{type}}</small></td>
            <td><small>{{destination}}</small></td><td>{{group}}</td><td>{{tags}}</td><td>{{hits}}</td><td><span class="badge {{status}}">{{status}}</span></td></tr>{{/links}}</tbody>
            </table></div>{{/none}}
            <p class="pager">{{#previous}}<a href="{{previous}}" rel="prev">← Previous</a>{{/previous}}{{#next}}<a href="{{next}}" rel="next">Next →</a>{{/next}}</p>
            """
        ),
        (
            "link-form",
            """
            <h1>{{#editing}}Edit link{{/editing}}{{^editing}}New link or pixel{{/editing}}</h1>
            {{> errors}}
            {{#trackingURL}}<p>Tracking URL: <code>{{trackingURL}}</code></p>{{/trackingURL}}
            <form method="post" action="{{action}}">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            {{^editing}}<fieldset><legend>Type</legend>
            <label class="inline"><input type="radio" name="type" value="link"{{#isLink}} checked{{/isLink}}> Tracking link (redirects to a destination)</label>
            <label class="inline"><input type="radio" name="type" value="pixel"{{^isLink}} checked{{/isLink}}> Tracking pixel (a 1×1 image for pages and e-mails)</label>
            </fieldset>
            <label for="name">Short name (optional; generated when empty)</label><input id="name" name="name" type="text" maxlength="64" value="{{name}}">{{/editing}}
            <label for="destination">Destination URL (links only)</label><input id="destination" name="destination" type="text" inputmode="url" placeholder="https://example.com/landing" value="{{destination}}">
            <label for="title">Title</label><input id="title" name="title" type="text" maxlength="200" value="{{title}}">
            <label for="group">Campaign</label><select id="group" name="group"><option value="">none</option>{{#groups}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/groups}}</select>
            <label for="tags">Tags (comma-separated)</label><input id="tags" name="tags" type="text" value="{{tagList}}">
            <label for="redirect">Redirect</label><select id="redirect" name="redirect">
            <option value="302"{{#redirect_302}} selected{{/redirect_302}}>302 temporary (counts every click)</option>
            <option value="301"{{#redirect_301}} selected{{/redirect_301}}>301 permanent (browsers may cache it)</option>
            <option value="307"{{#redirect_307}} selected{{/redirect_307}}>307 temporary, keeps the method</option></select>
            <label for="mode">Destinations</label><select id="mode" name="mode">{{#modes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/modes}}</select>
            <label for="rotation">Rotator destinations: one URL per line; for weighted, a space and a percentage after the URL</label>
            <textarea id="rotation" name="rotation">{{rotation}}</textarea>
            <div><button type="submit">Save</button> <a href="/dashboard/links">Cancel</a></div>
            </form>
            """
        ),
        (
            "link",
            """
            <h1>{{name}} <span class="badge {{status}}">{{status}}</span></h1>
            {{#title}}<p>{{title}}</p>{{/title}}
            <div class="grid">
            <section class="card" aria-labelledby="code">
            <h2 id="code">{{#isLink}}Tracking link{{/isLink}}{{^isLink}}Tracking pixel{{/isLink}}</h2>
            <label for="tracking-url">Tracking URL</label><input id="tracking-url" type="text" readonly value="{{url}}">
            <div><button type="button" data-copy="tracking-url" hidden>Copy</button> <a href="{{url}}" rel="noopener" target="_blank">Open</a></div>
            {{#isLink}}<p>Goes to <a href="{{destination}}" rel="noopener noreferrer">{{destination}}</a></p>
            {{#rotation}}<p class="muted">Rotates to {{url}} ({{weight}})</p>{{/rotation}}{{/isLink}}
            {{^isLink}}<label for="snippet">HTML to paste into a page or e-mail</label><textarea id="snippet" readonly>{{snippet}}</textarea>
            <div><button type="button" data-copy="snippet" hidden>Copy</button></div>{{/isLink}}
            <div class="actions">
            <a class="button secondary" href="/dashboard/links/{{id}}/edit">Edit</a>
            {{#paused}}<form method="post" action="/dashboard/links/{{id}}/resume"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="secondary">Resume</button></form>{{/paused}}
            {{^paused}}<form method="post" action="/dashboard/links/{{id}}/pause"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="secondary">Pause</button></form>{{/paused}}
            <form method="post" action="/dashboard/links/{{id}}/delete"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label class="inline"><input type="checkbox" name="confirm" value="yes" required> delete</label><button type="submit" class="danger">Delete</button></form>
            </div>
            </section>
            <section class="card qr" aria-labelledby="qr"><h2 id="qr">QR code</h2>{{{qr}}}<p><a href="/dashboard/links/{{id}}/qr.svg" download="{{name}}.svg">Download SVG</a></p></section>
            </div>
            <section class="card" aria-labelledby="traffic">
            <h2 id="traffic">Traffic, {{period}}</h2>
            <p><a href="?days=7"{{#days7}} aria-current="true"{{/days7}}>7 days</a> · <a href="?days=30"{{#days30}} aria-current="true"{{/days30}}>30 days</a> ·
            <a href="?days=90"{{#days90}} aria-current="true"{{/days90}}>90 days</a> · <a href="?by=hour"{{#byHour}} aria-current="true"{{/byHour}}>by hour (48 h)</a></p>
            <div class="stats"><div class="stat">Total<b id="total-hits">{{totalHits}}</b></div><div class="stat">Unique<b>{{uniqueHits}}</b></div><div class="stat">Bots<b>{{botHits}}</b></div></div>
            {{{chart}}}
            </section>
            <div class="grid">{{#breakdowns}}<section class="card"><h2>{{title}}</h2>{{#empty}}<p class="muted">No data.</p>{{/empty}}
            <ul class="bars">{{#rows}}<li><span><span>{{value}}</span><span>{{hits}}</span></span><meter min="0" max="{{max}}" value="{{count}}" aria-label="{{value}}: {{hits}}"></meter></li>{{/rows}}</ul></section>{{/breakdowns}}</div>
            <section class="card" aria-labelledby="live-title">
            <h2 id="live-title">Live clickstream</h2>
            <p id="live-status" class="muted" aria-live="polite">Reload the page to see new hits (live updates need JavaScript).</p>
            <p>New since this page opened: <b id="live-count">0</b></p>
            <ol class="live" data-live="/dashboard/links/{{id}}/live" data-since="{{latest}}" data-status="live-status" aria-label="New hits"></ol>
            </section>
            <section class="card" aria-labelledby="recent"><h2 id="recent">Recent hits</h2>
            {{#noHits}}<p>No hits yet.</p>{{/noHits}}
            {{^noHits}}<div class="table-wrap"><table><thead><tr><th scope="col">When</th><th scope="col">Kind</th><th scope="col">Country</th><th scope="col">Browser</th><th scope="col">OS</th><th scope="col">Device</th><th scope="col">Referrer</th><th scope="col">Flags</th></tr></thead><tbody>
            {{#hits}}<tr><td>{{time}}</td><td>{{kind}}</td><td>{{country}}</td><td>{{browser}}</td><td>{{os}}</td><td>{{device}}</td><td>{{referrer}}</td><td>{{#unique}}unique {{/unique}}{{#bot}}bot{{/bot}}</td></tr>{{/hits}}
            </tbody></table></div>{{/noHits}}
            </section>
            """
        ),
    ]
}
