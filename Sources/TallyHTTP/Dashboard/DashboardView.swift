import Mustache

/// A page's typed view model: what its template reads, by name, from stored properties (no `[String: Any]` built per
/// row, no key a template could misspell silently in Swift). `child(named:)` answers the template's names and `nil` for
/// any other, so Mustache goes on to the enclosing context as it does for a dictionary.
protocol DashboardView: MustacheParent, Sendable {}

/// One choice of a `<select>` (a campaign, a tag): its value, label and whether it is the current filter.
struct DashboardChoice: DashboardView {
    let id: Int64
    let name: String
    let selected: Bool

    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "name": self.name
        case "selected": selected
        default: nil
        }
    }
}

/// A page's values (a view model, or a dictionary) with the signed-in session's values every form needs (`csrf`,
/// `signedInEmail`) in front of them.
struct SessionScopedView: MustacheParent {
    let content: any MustacheParent
    let csrf: String?
    let email: String?

    func child(named name: String) -> Any? {
        switch name {
        case "csrf" where csrf != nil: csrf
        case "signedInEmail" where email != nil: email
        default: content.child(named: name)
        }
    }
}
