import DharmaService

/// The browser session a console request came with, once the session middleware has checked
/// it (and, for a form, its CSRF token): who it is, and the form it sent.
struct SignedInSession: Sendable {
    var principal: Principal
    /// The token every form of this session carries, and a POST must send back.
    var csrf: String
    /// The cookie's secret, to end the session on sign-out.
    var secret: String
    var form: ConsoleForm

    @TaskLocal static var current: SignedInSession?
}
