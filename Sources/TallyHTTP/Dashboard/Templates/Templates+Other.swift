extension DashboardTemplates {
    static let other: [(String, String)] = [
        (
            "overview",
            """
            <h1>Overview</h1>
            <div class="stats">{{#periods}}<div class="stat"><span>{{label}}</span><b>{{clicks}}</b><small>clicks · {{views}} views · {{unique}} unique · {{bots}} bots</small></div>{{/periods}}</div>
            <section class="card" aria-labelledby="chart"><h2 id="chart">Last 30 days</h2>{{{chart}}}</section>
            <section class="card" aria-labelledby="top"><h2 id="top">Top links, 30 days</h2>
            {{#noLinks}}<p>No links yet. <a href="/dashboard/links/new">Create your first link</a>.</p>{{/noLinks}}
            {{^noLinks}}{{#noTop}}<p>No hits in the last 30 days.</p>{{/noTop}}{{/noLinks}}
            {{^noTop}}<div class="table-wrap"><table><thead><tr><th scope="col">Link</th><th scope="col">Hits</th><th scope="col">Unique</th></tr></thead><tbody>
            {{#top}}<tr><td><a href="/dashboard/links/{{id}}">{{name}}</a> <small>{{title}}</small></td><td>{{hits}}</td><td>{{unique}}</td></tr>{{/top}}</tbody></table></div>{{/noTop}}
            </section>
            """
        ),
        (
            "groups",
            """
            <h1>Campaigns</h1>
            {{> errors}}
            {{#none}}<p>No campaigns yet.</p>{{/none}}
            {{^none}}<div class="table-wrap"><table><thead><tr><th scope="col">Campaign</th><th scope="col">Links</th><th scope="col">Hits (30 days)</th><th scope="col">Change</th></tr></thead><tbody>
            {{#groups}}<tr><td><a href="/dashboard/links?group={{id}}">{{name}}</a></td><td>{{links}}</td><td>{{hits}}</td>
            <td><form class="inline" method="post" action="/dashboard/groups/{{id}}/rename"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label class="visually-hidden" for="rename-{{id}}">New name for {{name}}</label><input id="rename-{{id}}" name="name" type="text" required maxlength="200" value="{{name}}">
            <button type="submit" class="secondary">Rename</button></form>
            <form class="inline" method="post" action="/dashboard/groups/{{id}}/delete"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label class="inline"><input type="checkbox" name="confirm" value="yes" required> delete</label><button type="submit" class="danger">Delete</button></form></td></tr>{{/groups}}</tbody></table></div>{{/none}}
            <p class="pager">{{#previous}}<a href="{{previous}}" rel="prev">← Previous</a>{{/previous}}{{#next}}<a href="{{next}}" rel="next">Next →</a>{{/next}}</p>
            <section class="card" aria-labelledby="new"><h2 id="new">New campaign</h2>
            <form method="post" action="/dashboard/groups"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="name">Name</label><input id="name" name="name" type="text" required maxlength="200"><div><button type="submit">Create</button></div></form></section>
            <section class="card" aria-labelledby="tags"><h2 id="tags">Tags</h2>
            {{#noTags}}<p>No tags yet: add them on a link.</p>{{/noTags}}
            <ul>{{#tags}}<li><a class="badge" href="/dashboard/links?tag={{id}}">{{name}}</a>
            <form class="inline" method="post" action="/dashboard/tags/{{id}}/rename"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label class="visually-hidden" for="tag-{{id}}">New name for tag {{name}}</label><input id="tag-{{id}}" name="name" type="text" required maxlength="100" value="{{name}}">
            <button type="submit" class="secondary">Rename</button></form>
            <form class="inline" method="post" action="/dashboard/tags/{{id}}/delete"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="secondary">Remove tag</button></form></li>{{/tags}}</ul></section>
            """
        ),
        (
            "conversions",
            """
            <h1>Conversions</h1>
            {{> errors}}
            {{#none}}<p>No conversion goals yet.</p>{{/none}}
            {{#conversions}}<section class="card"><h2>{{name}}</h2>
            <p>Last 30 days: <b>{{count}}</b> conversions ({{unique}} unique), value {{value}}, commission {{commission}} · credited to the {{attribution}}</p>
            <label for="pixel-{{id}}">Conversion pixel URL</label><input id="pixel-{{id}}" type="text" readonly value="{{pixel}}">
            <div><button type="button" data-copy="pixel-{{id}}" hidden>Copy</button></div>
            <label for="snippet-{{id}}">Or this snippet, on the thank-you page</label><textarea id="snippet-{{id}}" readonly>{{snippet}}</textarea>
            <div><button type="button" data-copy="snippet-{{id}}" hidden>Copy</button></div></section>{{/conversions}}
            <section class="card" aria-labelledby="new"><h2 id="new">New conversion goal</h2>
            <form method="post" action="/dashboard/conversions"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="name">Name</label><input id="name" name="name" type="text" required maxlength="200">
            <label for="description">Description</label><input id="description" name="description" type="text">
            <label for="value">Default value</label><input id="value" name="value" type="text" inputmode="decimal" placeholder="0">
            <label for="attribution">Credit</label><select id="attribution" name="attribution"><option value="last">the last click</option><option value="first">the first click</option></select>
            <div><button type="submit">Create</button></div></form></section>
            """
        ),
        (
            "settings",
            """
            <h1>Settings</h1>
            {{> errors}}
            <p><a href="/dashboard/webhooks">Event webhooks</a>: send clicks, link changes, conversions and key events to your endpoints.</p>
            <div class="grid">
            <section class="card" aria-labelledby="tz"><h2 id="tz">Time zone</h2><p>Days in reports start at midnight here.</p>
            <form method="post" action="/dashboard/settings/timezone"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="timezone">IANA time zone</label><input id="timezone" name="timezone" type="text" value="{{timezone}}" placeholder="Europe/Rome">
            <div><button type="submit">Save</button></div></form></section>
            <section class="card" aria-labelledby="ips"><h2 id="ips">IP blacklist</h2><p>Hits from these addresses are not recorded.</p>
            {{#noBlacklist}}<p class="muted">Empty.</p>{{/noBlacklist}}<ul>{{#blacklist}}<li>{{value}} <form class="inline" method="post" action="/dashboard/settings/blacklist/{{id}}/remove"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="secondary">Remove</button></form></li>{{/blacklist}}</ul>
            <form method="post" action="/dashboard/settings/blacklist"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="ip">Address or network</label><input id="ip" name="ip" type="text" placeholder="203.0.113.0/24"><div><button type="submit">Add</button></div></form></section>
            <section class="card" aria-labelledby="domains"><h2 id="domains">Domain whitelist</h2><p>Dynamic destinations may only go to these domains.</p>
            {{#noWhitelist}}<p class="muted">Empty.</p>{{/noWhitelist}}<ul>{{#whitelist}}<li>{{value}} <form class="inline" method="post" action="/dashboard/settings/whitelist/{{id}}/remove"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="secondary">Remove</button></form></li>{{/whitelist}}</ul>
            <form method="post" action="/dashboard/settings/whitelist"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="domain">Domain</label><input id="domain" name="domain" type="text" placeholder="shop.example.com"><div><button type="submit">Add</button></div></form></section>
            <section class="card" aria-labelledby="hook"><h2 id="hook">Alert webhook</h2>
            <p>Key alerts (leaks, spikes, new networks…) are POSTed as JSON, signed <code>X-ClickTally-Signature: sha256=HMAC(body)</code>.</p>
            {{#ownWebhook}}<p>Now: <code>{{ownWebhook}}</code> (a signing secret is set).</p>{{/ownWebhook}}
            {{^ownWebhook}}<p class="muted">{{#webhook}}Not set: alerts go to the server's <code>--alert-webhook-url</code>.{{/webhook}}{{^webhook}}Not set.{{/webhook}}</p>{{/ownWebhook}}
            <form method="post" action="/dashboard/settings/webhook"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="hook-url">Webhook URL (https)</label><input id="hook-url" name="url" type="text" inputmode="url" value="{{ownWebhook}}">
            <label for="hook-secret">Signing secret (16+ characters; kept to sign, never shown)</label><input id="hook-secret" name="secret" type="password" autocomplete="off">
            <div><button type="submit">Save</button>{{#ownWebhook}}<label class="inline"><input type="checkbox" name="remove" value="yes"> remove</label>{{/ownWebhook}}</div></form></section>
            </div>
            <section class="card" aria-labelledby="people"><h2 id="people">Users and guests</h2>
            <ul>{{#users}}<li>{{email}} <span class="badge">{{role}}</span>{{#me}} (you){{/me}}</li>{{/users}}</ul>
            <form method="post" action="/dashboard/settings/users"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="user-email">Add a user: e-mail</label><input id="user-email" name="email" type="email" required>
            <label for="user-password">Their first password</label><input id="user-password" name="password" type="password" autocomplete="new-password" minlength="10" required>
            <label for="user-password2">Again</label><input id="user-password2" name="password2" type="password" autocomplete="new-password" minlength="10" required>
            <label for="user-role">Role</label><select id="user-role" name="role">
            <option value="member" selected>Member: links, campaigns, conversions; keys that cannot manage keys</option>
            <option value="read-only">Read-only: sees everything, changes nothing</option>
            <option value="admin">Admin: everything but adding owners</option>
            <option value="owner">Owner: everything</option>
            </select>
            <div><button type="submit">Add user</button></div></form>
            <h3>Guests</h3><p class="muted">A guest reaches the API with a key of their own and sees only the links and campaigns shared with
            them (share through <code>/v2/account/guests/{id}/permissions</code>).</p>{{#noGuests}}<p class="muted">No guests.</p>{{/noGuests}}
            <ul>{{#guests}}<li>{{name}} &lt;{{email}}&gt;</li>{{/guests}}</ul>
            <form method="post" action="/dashboard/settings/guests"><input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="guest-name">Add a guest: name</label><input id="guest-name" name="name" type="text" required maxlength="200">
            <label for="guest-email">E-mail</label><input id="guest-email" name="email" type="email" required>
            <label for="guest-user">User name</label><input id="guest-user" name="userName" type="text" required maxlength="100">
            <div><button type="submit">Add guest and make their key</button></div></form></section>
            """
        ),
    ]
}
