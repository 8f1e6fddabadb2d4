/// The dashboard's Mustache templates, compiled into the binary (one executable, nothing to install beside it).
/// `{{x}}` is HTML-escaped; `{{{x}}}` only for markup made on the server (SVG charts and QR codes).
enum DashboardTemplates {
    static var all: [(String, String)] { signIn + keys + links + other + webhooks }

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · ClickTally</title>
        <link rel="stylesheet" href="/dashboard/assets/app.css">
        </head>
        <body>
        <a class="visually-hidden" href="#main">Skip to content</a>
        <header class="top">
        <a class="brand" href="/dashboard">ClickTally</a>
        {{#signedIn}}
        <nav aria-label="Main"><ul>{{#nav}}<li><a href="{{path}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}</ul></nav>
        <form method="post" action="/dashboard/logout"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit">Sign out <span class="visually-hidden">{{email}}</span></button></form>
        {{/signedIn}}
        </header>
        <main id="main">
        {{{body}}}
        </main>
        <script src="/dashboard/assets/app.js" defer></script>
        </body>
        </html>
        """

    static let message = """
        <h1>{{heading}}</h1>
        <p>{{text}}</p>
        <p><a href="/dashboard">Go to the dashboard</a></p>
        """

    static let errors = """
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}{{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        """
}
