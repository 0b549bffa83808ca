import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The console's pages, from the Mustache templates shipped with the package. Mustache because
/// its templates hold no logic (the views are plain structs built from the service layer), it
/// escapes every value by default, and a page's markup changes without recompiling Swift.
struct PageRenderer: Sendable {
    enum Page: String, CaseIterable {
        case login, welcome, stacks, stack, run, runs, tokens, audit, incident, developer, operations, security, executive, business, aiops, compliance,
            metrics,
            version,
            problem
    }

    private let library: MustacheLibrary

    init() throws {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw ConsoleError("the console's templates are missing from the package")
        }
        var library = MustacheLibrary()
        for name in ["layout"] + Page.allCases.map(\.rawValue) {
            let text = try String(contentsOf: directory.appendingPathComponent("\(name).mustache"), encoding: .utf8)
            try library.register(text, named: name)
        }
        self.library = library
    }

    /// `page` with `view` as its content, inside the layout (which reads `title` and the session).
    func render(_ page: Page, title: String, _ view: Any, status: HTTPResponse.Status = .ok) -> Response {
        let session = SignedInSession.current
        let context: [String: Any] = [
            "title": title, "page": view, "user": session?.principal.name as Any, "csrf": session?.csrf as Any, "signedIn": session != nil,
        ]
        let html = library.render(context, withTemplate: page.rawValue) ?? "<!doctype html><title>Dharma</title><p>This page could not be rendered."
        return Response(status: status, headers: Self.headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// A page that says what went wrong, with the status that says it to machines.
    func problem(_ status: HTTPResponse.Status, _ message: String) -> Response {
        render(.problem, title: status.reasonPhrase, ProblemView(status: status.code, reason: status.reasonPhrase, message: message), status: status)
    }

    /// No inline script, no framing, forms only to this server; nothing cached.
    static let headers: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        .xContentTypeOptions: "nosniff",
        .referrerPolicy: "same-origin",
        .cacheControl: "no-store",
    ]
}

struct ProblemView {
    var status: Int
    var reason: String
    var message: String
}

struct ConsoleError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension HTTPField.Name {
    static let contentSecurityPolicy = Self("Content-Security-Policy")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
