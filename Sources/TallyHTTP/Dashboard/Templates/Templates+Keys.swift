extension DashboardTemplates {
    static let keys: [(String, String)] = [
        (
            "keys",
            """
            <h1>API keys</h1>
            <p>Every API request carries a key in the <code>X-ClickMeter-API-Key</code> header. Give each integration its own key with only
            the access it needs. <a href="/dashboard/audit">Audit log</a></p>
            {{> errors}}
            {{#banner}}<div class="warning" role="status" id="key-banner"><p>{{banner}}</p></div>{{/banner}}
            <section class="card" aria-labelledby="list">
            <h2 id="list">Your keys</h2>
            {{#noKeys}}<p>No keys yet. Create one below.</p>{{/noKeys}}
            {{^noKeys}}
            <div class="table-wrap"><table>
            <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Scopes</th><th scope="col">Created</th><th scope="col">Age</th><th scope="col">Rotation</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col">Status</th></tr></thead>
            <tbody>
            {{#keys}}<tr><td><a href="/dashboard/keys/{{publicID}}">{{name}}</a></td><td><code>{{publicID}}…{{lastFour}}</code></td><td><small>{{scopes}}</small></td>
            <td>{{created}}</td><td>{{age}}</td><td>{{#rotationDue}}<b class="due">{{rotation}}</b>{{/rotationDue}}{{^rotationDue}}{{rotation}}{{/rotationDue}}</td><td>{{expires}}</td><td>{{lastUsed}}{{#lastUsedIP}}<br><small>from {{lastUsedIP}}</small>{{/lastUsedIP}}</td>
            <td><span class="badge {{status}}">{{status}}</span></td></tr>{{/keys}}
            </tbody></table></div>
            {{/noKeys}}
            </section>
            <section class="card" aria-labelledby="new">
            <h2 id="new">Create a key</h2>
            <form method="post" action="/dashboard/keys">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="name">Name (what uses it, e.g. "CRM sync")</label><input id="name" name="name" type="text" required maxlength="100" value="{{formName}}">
            <fieldset><legend>Permissions</legend>
            <label class="inline"><input type="radio" name="preset" value="read-only" checked> Read-only: read everything, change nothing</label>
            <label class="inline"><input type="radio" name="preset" value="read-write"> Read-write: links, groups, tags, conversions, stats</label>
            <label class="inline"><input type="radio" name="preset" value="admin"> Admin: everything, including keys and the account</label>
            <label class="inline"><input type="radio" name="preset" value="custom"> Custom, as ticked below:</label>
            <div class="table-wrap"><table><thead><tr><th scope="col">Resource</th><th scope="col">Read</th><th scope="col">Write</th></tr></thead><tbody>
            {{#scopes}}<tr><td>{{resource}}</td><td><input type="checkbox" name="scope" value="{{read}}" aria-label="{{resource}} read"></td>
            <td><input type="checkbox" name="scope" value="{{write}}" aria-label="{{resource}} write"></td></tr>{{/scopes}}
            </tbody></table></div>
            </fieldset>
            {{#hasGroups}}<label for="group">Only these campaigns (optional)</label>
            <select id="group" name="group" multiple>{{#groups}}<option value="{{id}}">{{name}}</option>{{/groups}}</select>{{/hasGroups}}
            <label for="days">Expires after (days; empty: never)</label><input id="days" name="expiresInDays" type="number" min="1" max="3650" value="{{formDays}}">
            <label for="networks">Allowed addresses (optional, comma-separated, e.g. 203.0.113.0/24)</label>
            <input id="networks" name="networks" type="text" value="{{formNetworks}}">
            <div><button type="submit">Create key</button></div>
            </form>
            </section>
            <section class="card" aria-labelledby="policy">
            <h2 id="policy">Key policy</h2>
            <p>ClickTally remembers for you: a warning (alert and webhook) before a key is due for rotation or expires, and a
            flag on keys nobody uses.</p>
            <form method="post" action="/dashboard/keys/policy">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="maxAge">Rotate keys at least every (days; empty: no rule)</label>
            <input id="maxAge" name="maxAgeDays" type="number" min="1" max="3650" value="{{policyMaxAge}}">
            <label for="warnings">Warn this many days before (comma-separated)</label>
            <input id="warnings" name="warningDays" type="text" value="{{policyWarnings}}">
            <label class="inline"><input type="checkbox" name="expireAtMaxAge" value="yes" {{#policyExpire}}checked{{/policyExpire}}> A key expires when it reaches that age</label>
            <label for="stale">A key unused for (days; empty: no rule) is stale</label>
            <input id="stale" name="staleDays" type="number" min="1" max="3650" value="{{policyStale}}">
            <label class="inline"><input type="checkbox" name="disableStale" value="yes" {{#policyDisable}}checked{{/policyDisable}}> Disable stale keys until an administrator enables them</label>
            <div><button type="submit">Save policy</button></div>
            </form>
            </section>
            <section class="card" aria-labelledby="alerts" id="alerts">
            <h2 id="alerts-title">Alerts</h2>
            {{#noAlerts}}<p>No alerts.</p>{{/noAlerts}}
            {{^noAlerts}}<div class="table-wrap"><table><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">From</th><th scope="col"></th></tr></thead><tbody>
            {{#alerts}}<tr><td>{{time}}</td><td><b>{{kind}}</b> {{message}}</td><td>{{ip}}</td><td>{{#open}}<form method="post" action="/dashboard/alerts/{{id}}/acknowledge"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="secondary">Acknowledge</button></form>{{/open}}{{^open}}acknowledged{{/open}}</td></tr>{{/alerts}}
            </tbody></table></div>{{/noAlerts}}
            </section>
            """
        ),
        (
            "key-created",
            """
            <h1>{{heading}}: {{name}}</h1>
            <div class="warning" role="alert">
            <p><b>Store this key now: it will not be shown again.</b> ClickTally keeps only a hash of it.</p>
            <ul>
            <li>Treat it like a password: anyone who has it acts as you, within its permissions (<code>{{scopes}}</code>).</li>
            <li>Keep it out of client-side code (web pages, mobile apps) and out of public repositories.</li>
            <li>Put it in an environment variable or a secrets manager, not in source files.</li>
            </ul>
            {{#note}}<p>{{note}}</p>{{/note}}
            </div>
            <label for="full-key">Your new API key</label>
            <input id="full-key" class="secret" type="text" readonly value="{{fullKey}}">
            <div><button type="button" data-copy="full-key" hidden>Copy</button></div>
            <h2>Use it</h2>
            <pre id="curl">{{exportLine}}
            {{curlList}}
            {{curlCount}}</pre>
            <p><a href="/dashboard/keys/{{publicID}}">See the key</a> · <a href="/dashboard/keys">All keys</a></p>
            """
        ),
        (
            "key",
            """
            <h1>Key {{name}}</h1>
            {{> errors}}
            <p><code>{{publicID}}…{{lastFour}}</code> <span class="badge {{status}}">{{status}}</span></p>
            <div class="table-wrap"><table><tbody>
            <tr><th scope="row">Scopes</th><td>{{scopes}}</td></tr>
            <tr><th scope="row">Campaigns</th><td>{{groupsText}}</td></tr>
            <tr><th scope="row">Allowed addresses</th><td>{{networksText}}</td></tr>
            <tr><th scope="row">Created</th><td>{{created}}</td></tr><tr><th scope="row">Expires</th><td>{{expires}}</td></tr>
            <tr><th scope="row">Last used</th><td>{{lastUsed}} {{#lastUsedIP}}from {{lastUsedIP}}{{/lastUsedIP}}</td></tr>
            <tr><th scope="row">Secret age</th><td>{{age}}{{#rotation}} (rotation {{rotation}}){{/rotation}}</td></tr>
            {{#limitsText}}<tr><th scope="row">Limits</th><td>{{limitsText}}</td></tr>{{/limitsText}}
            <tr><th scope="row">Requests</th><td>{{usageText}}</td></tr>
            </tbody></table></div>
            {{#disabled}}<section class="card" aria-labelledby="enable"><h2 id="enable">Enable</h2>
            <p>This key was disabled because nobody used it for longer than the key policy allows. Enable it if it is still needed.</p>
            <form method="post" action="/dashboard/keys/{{publicID}}/enable"><input type="hidden" name="_csrf" value="{{csrf}}">
            <div><button type="submit">Enable key</button></div></form></section>{{/disabled}}
            <section class="card" aria-labelledby="usage"><h2 id="usage">Usage</h2>{{{chart}}}</section>
            {{#active}}
            <div class="grid">
            <section class="card" aria-labelledby="rotate"><h2 id="rotate">Rotate</h2>
            <p>Get a new secret for this key. Integrations switch to it while the old one still works for the grace period.</p>
            <form method="post" action="/dashboard/keys/{{publicID}}/rotate"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="grace">Old secret keeps working for</label>
            <select id="grace" name="grace"><option value="0">no time: stop it now</option><option value="1">1 hour</option><option value="24" selected>24 hours</option><option value="168">7 days</option></select>
            <div><button type="submit">Rotate key</button></div></form></section>
            <section class="card" aria-labelledby="revoke"><h2 id="revoke">Revoke</h2>
            <p>Stops the key at once, on every node. This cannot be undone.</p>
            <form method="post" action="/dashboard/keys/{{publicID}}/revoke"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label class="inline"><input type="checkbox" name="confirm" value="yes" required> Yes, revoke {{name}}</label>
            <div><button type="submit" class="danger">Revoke key</button></div></form></section>
            </div>
            {{/active}}
            <section class="card" aria-labelledby="recent"><h2 id="recent">Recent requests</h2>
            {{#noRequests}}<p>No requests yet.</p>{{/noRequests}}
            {{^noRequests}}<div class="table-wrap"><table><thead><tr><th scope="col">When</th><th scope="col">Request</th><th scope="col">Status</th><th scope="col">From</th><th scope="col">ms</th></tr></thead><tbody>
            {{#requests}}<tr><td>{{time}}</td><td><code>{{method}} {{route}}</code></td><td>{{status}}</td><td>{{ip}}</td><td>{{ms}}</td></tr>{{/requests}}
            </tbody></table></div>{{/noRequests}}
            </section>
            """
        ),
        (
            "audit",
            """
            <h1>Audit log</h1>
            <p>Every change to a key: who, when, from where.</p>
            {{#none}}<p>Nothing yet.</p>{{/none}}
            {{^none}}<div class="table-wrap"><table><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Key</th><th scope="col">By</th><th scope="col">From</th><th scope="col">Details</th></tr></thead><tbody>
            {{#entries}}<tr><td>{{time}}</td><td>{{event}}</td><td>{{key}}</td><td>{{actor}}</td><td>{{ip}}</td><td><small>{{details}}</small></td></tr>{{/entries}}
            </tbody></table></div>{{/none}}
            """
        ),
    ]
}
