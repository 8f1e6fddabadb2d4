extension DashboardTemplates {
    static let signIn: [(String, String)] = [
        ("layout", layout), ("message", message), ("errors", errors),
        (
            "confirm",
            """
            <h1>Confirm it is you</h1>
            <p>{{action}} needs a fresh confirmation: enter your password{{#totpOn}} or a code from your authenticator{{/totpOn}}. It stays confirmed for 10 minutes.</p>
            {{>errors}}
            <form method="post" action="{{path}}">
            {{#fields}}<input type="hidden" name="{{name}}" value="{{value}}">{{/fields}}
            <label for="sudo-password">Password</label><input id="sudo-password" name="_sudo_password" type="password" autocomplete="current-password">
            {{#totpOn}}<label for="sudo-code">Or a code</label><input id="sudo-code" name="_sudo_code" type="text" inputmode="numeric" autocomplete="one-time-code">{{/totpOn}}
            <div><button type="submit">Confirm and continue</button></div>
            </form>
            """
        ),
        (
            "setup",
            """
            <h1>Set up ClickTally</h1>
            <p>Create the owner account. This page works once, with the link the server printed at start.</p>
            {{> errors}}
            <form method="post" action="/dashboard/setup">
            <input type="hidden" name="_csrf" value="{{formToken}}"><input type="hidden" name="token" value="{{token}}">
            <label for="email">E-mail</label><input id="email" name="email" type="email" autocomplete="username" required value="{{email}}">
            <label for="password">Password (at least 10 characters)</label>
            <input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required>
            <label for="password2">Password again</label>
            <input id="password2" name="password2" type="password" autocomplete="new-password" minlength="10" required>
            <div><button type="submit">Create the owner account</button></div>
            </form>
            """
        ),
        (
            "login",
            """
            <h1>Sign in</h1>
            {{> errors}}
            <form method="post" action="/dashboard/login">
            <input type="hidden" name="_csrf" value="{{formToken}}"><input type="hidden" name="next" value="{{next}}">
            <label for="email">E-mail</label><input id="email" name="email" type="email" autocomplete="username" required value="{{email}}">
            <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <div><button type="submit">Sign in</button></div>
            </form>
            """
        ),
        (
            "code",
            """
            <h1>Two-factor code</h1>
            <p>Type the 6-digit code your authenticator app shows for ClickTally, or one of your recovery codes.</p>
            {{> errors}}
            <form method="post" action="/dashboard/login/code">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="code">Code</label>
            <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required autofocus>
            <div><button type="submit">Continue</button></div>
            </form>
            """
        ),
        (
            "security",
            """
            <h1>Security</h1>
            {{> errors}}
            <section class="card" aria-labelledby="tfa">
            <h2 id="tfa">Two-factor sign-in</h2>
            {{#totpError}}<p class="error" role="alert">{{totpError}}</p>{{/totpError}}
            {{#totpOn}}
            <p><span class="badge active">On</span> Signing in asks for a code from your authenticator app. Recovery codes left: <b>{{recoveryLeft}}</b>.</p>
            <form method="post" action="/dashboard/security/totp/disable">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="off-code">A current code, to turn it off</label><input id="off-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required>
            <div><button type="submit" class="danger">Turn two-factor off</button></div>
            </form>
            <form method="post" action="/dashboard/security/totp/start">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="move-code">A current code, to move to a new authenticator</label><input id="move-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required>
            <div><button type="submit">Enrol a new authenticator</button></div>
            </form>
            {{/totpOn}}
            {{^totpOn}}
            <p><span class="badge paused">Off</span> Add a second step to signing in: a code from an authenticator app on your phone.</p>
            <form method="post" action="/dashboard/security/totp/start"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">Turn on two-factor</button></form>
            {{/totpOn}}
            </section>
            <section class="card" aria-labelledby="pw">
            <h2 id="pw">Change password</h2>
            {{#passwordError}}<p class="error" role="alert">{{passwordError}}</p>{{/passwordError}}
            <form method="post" action="/dashboard/password">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="current">Current password</label><input id="current" name="current" type="password" autocomplete="current-password" required>
            <label for="new">New password (at least 10 characters)</label><input id="new" name="new" type="password" autocomplete="new-password" minlength="10" required>
            <label for="new2">New password again</label><input id="new2" name="new2" type="password" autocomplete="new-password" minlength="10" required>
            <div><button type="submit">Change password</button></div>
            </form>
            </section>
            """
        ),
        (
            "totp-enrol",
            """
            <h1>Turn on two-factor sign-in</h1>
            {{> errors}}
            <ol>
            <li>Open an authenticator app (any TOTP app) and scan this code:<div class="qr">{{{qr}}}</div></li>
            <li>Or type this key by hand: <code id="totp-secret">{{secret}}</code></li>
            <li>Type the 6-digit code the app shows, to confirm:</li>
            </ol>
            <form method="post" action="/dashboard/security/totp/confirm">
            <input type="hidden" name="_csrf" value="{{csrf}}">
            <label for="code">Code from the app</label><input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required>
            <div><button type="submit">Confirm and turn on</button></div>
            </form>
            """
        ),
        (
            "recovery-codes",
            """
            <h1>Two-factor sign-in is on</h1>
            <div class="warning" role="alert">
            <p><b>Save these recovery codes now. They are shown only this once.</b> Each one signs you in once if you lose your phone.
            Keep them somewhere safe, away from your password.</p>
            </div>
            <textarea id="recovery" class="secret" readonly rows="6" aria-label="Recovery codes">{{#codes}}{{code}}
            {{/codes}}</textarea>
            <div><button type="button" data-copy="recovery" hidden>Copy</button></div>
            <p><a href="/dashboard/security">Done</a></p>
            """
        ),
    ]
}
