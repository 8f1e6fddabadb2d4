/// The pages of signing in and of one's own security: setup, sign-in, the code step, the sudo confirmation, the
/// security page, two-factor enrolment and the recovery codes; and the one-paragraph message page.

/// `message`: a heading and a sentence (not found, not allowed, form expired, HTTPS required, setup closed).
struct MessageView: DashboardView {
    let heading: String
    let text: String

    func child(named key: String) -> Any? {
        switch key {
        case "heading": heading
        case "text": text
        default: nil
        }
    }
}

/// `setup`: the owner account's form, behind the token the server printed.
struct SetupView: DashboardView {
    let token: String
    /// The pre-session token the form sends back (there is no session yet).
    let formToken: String
    var email: String?
    var error: String?

    func child(named key: String) -> Any? {
        switch key {
        case "token": token
        case "formToken": formToken
        case "email": email
        case "error": error
        default: nil
        }
    }
}

/// `login`: e-mail and password; `next` is where a successful sign-in goes (a dashboard path only).
struct LoginView: DashboardView {
    var formToken: String?
    var email: String?
    var next: String?
    var error: String?

    func child(named key: String) -> Any? {
        switch key {
        case "formToken": formToken
        case "email": email
        case "next": next
        case "error": error
        default: nil
        }
    }
}

/// `code`: the second step of signing in (the half session's token rides in the form).
struct CodeView: DashboardView {
    var csrf: String?
    var error: String?

    func child(named key: String) -> Any? {
        switch key {
        case "csrf": csrf
        case "error": error
        default: nil
        }
    }
}

/// `confirm`: the sudo step. The refused form's own fields ride along as hidden inputs, so confirming sends it again.
struct ConfirmView: DashboardView {
    struct Field: DashboardView {
        let name: String
        let value: String

        func child(named key: String) -> Any? {
            switch key {
            case "name": name
            case "value": value
            default: nil
            }
        }
    }

    let action: String
    let path: String
    let fields: [Field]
    let totpOn: Bool
    let error: String?

    func child(named key: String) -> Any? {
        switch key {
        case "action": action
        case "path": path
        case "fields": fields
        case "totpOn": totpOn
        case "error": error
        default: nil
        }
    }
}

/// `security`: two-factor on or off (with the recovery codes left) and the password form.
struct SecurityView: DashboardView {
    let totpOn: Bool
    let recoveryLeft: Int
    var notice: String?
    var passwordError: String?
    var totpError: String?

    func child(named key: String) -> Any? {
        switch key {
        case "totpOn": totpOn
        case "recoveryLeft": recoveryLeft
        case "notice": notice
        case "passwordError": passwordError
        case "totpError": totpError
        default: nil
        }
    }
}

/// `totp-enrol`: the new secret as a QR code (SVG markup, rendered unescaped) and as text in groups of four.
struct EnrolmentView: DashboardView {
    let qr: String
    let secret: String
    let error: String?

    func child(named key: String) -> Any? {
        switch key {
        case "qr": qr
        case "secret": secret
        case "error": error
        default: nil
        }
    }
}

/// `recovery-codes`: shown once, right after two-factor is turned on.
struct RecoveryCodesView: DashboardView {
    struct Code: DashboardView {
        let code: String
        func child(named key: String) -> Any? { key == "code" ? code : nil }
    }

    let codes: [Code]

    func child(named key: String) -> Any? { key == "codes" ? codes : nil }
}
