import ArgumentParser
import DharmaServer
import DharmaService
import Foundation
import Logging

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the control plane: the REST API, runs and tenants, for many users and machines.",
        discussion: """
            State lives under --data (created with mode 0700): the control database, one state database and audit log per organisation, and the TLS files. The first start creates the user `admin` and writes a token for it to DATA/admin-token (mode 0600), and prints the path and the TLS certificate's SHA-256 fingerprint. TLS 1.3 is on by default, with a certificate from the server's internal CA (DATA/tls/ca/ca.pem is what clients trust) and X25519MLKEM768 preferred over X25519. The API is described at /openapi.json and /docs. Stop it with Ctrl-C; runs left unfinished are settled at the next start.

            Examples:
              dharma server --listen 127.0.0.1:8443 --data /var/lib/dharma
              dharma server --listen 0.0.0.0:8443 --data ./data --tls-cert cert.pem --tls-key key.pem
              dharma server --data ./data --client-certificates optional   # mTLS for machine clients
              dharma server client-cert --data ./data --name agent-1 --out ./agent-1
              printf '%s\n' "$PASSWORD" | dharma server set-password --data ./data --user admin   # then open https://HOST:8443/console
            """,
        subcommands: [Start.self, ClientCert.self, SetPassword.self], defaultSubcommand: Start.self)

    /// Starts the server (what `dharma server` does without a subcommand).
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start", abstract: "Start the server (the default).")
        @Option(help: "HOST:PORT to listen on (port 0 picks a free one).") var listen = "127.0.0.1:8443"
        @Option(help: "Directory for the server's state.", completion: .directory) var data: String
        @Option(help: "A PEM certificate (chain) to serve instead of the internal CA's.") var tlsCert: String?
        @Option(help: "The PEM private key of --tls-cert.") var tlsKey: String?
        @Flag(help: "Serve plain HTTP (behind a TLS-terminating proxy only).") var insecureHttp = false
        @Flag(help: "Accept TLS 1.2 clients too.") var tls12 = false
        @Flag(help: "Refuse clients that cannot do the X25519MLKEM768 key exchange.") var pqOnly = false
        @Option(help: "Client certificates from the internal CA (mTLS): off, optional (checked when presented) or required.")
        var clientCertificates: ServerSettings.ClientCertificates = .off
        @Option(help: "An OpenID Connect issuer whose ID tokens are accepted as bearer tokens (needs --oidc-audience).") var oidcIssuer: String?
        @Option(help: "The client ID the issuer's tokens must be issued to.") var oidcAudience: String?
        @Option(help: "The claim that names the server user.") var oidcUserClaim = "preferred_username"
        @Option(help: "A claim of groups; a group ORG:ROLE grants ROLE in ORG where the user has no membership.") var oidcGroupsClaim = "groups"
        @Option(
            help:
                "Where the provider sends browsers back after a console sign-in, as registered with it (default: the listen address's /console/oidc/callback)."
        ) var oidcRedirectUrl: String?
        @Option(
            help:
                "A file holding the console's client secret at the provider (or DHARMA_OIDC_CLIENT_SECRET); without one the console signs in as a public client, with PKCE."
        ) var oidcClientSecretFile: String?
        @Option(help: "Runs that may execute at once (one per stack).") var workers = 4
        @Option(help: "Requests each user may make per minute.") var rateLimit = 6000
        @Option(help: "Log lines on standard error as json (one object a line) or text.") var logFormat = "json"

        func validate() throws {
            if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
            if insecureHttp && (tlsCert != nil || pqOnly || tls12 || clientCertificates != .off) {
                throw ValidationError("--insecure-http serves no TLS; drop the TLS options")
            }
            if workers < 1 { throw ValidationError("--workers must be at least 1") }
            if !["json", "text"].contains(logFormat) { throw ValidationError("--log-format: json or text") }
            if (oidcIssuer == nil) != (oidcAudience == nil) { throw ValidationError("--oidc-issuer and --oidc-audience go together") }
            if let oidcIssuer, !(oidcIssuer.hasPrefix("https://") || oidcIssuer.hasPrefix("http://")) {
                throw ValidationError("--oidc-issuer: an http(s) URL")
            }
            if let oidcRedirectUrl,
                !(oidcRedirectUrl.hasPrefix("https://") || oidcRedirectUrl.hasPrefix("http://")) || !oidcRedirectUrl.hasSuffix("/console/oidc/callback")
            {
                throw ValidationError("--oidc-redirect-url: an http(s) URL ending in /console/oidc/callback")
            }
            if oidcIssuer == nil && (oidcRedirectUrl != nil || oidcClientSecretFile != nil) {
                throw ValidationError("--oidc-redirect-url and --oidc-client-secret-file need --oidc-issuer")
            }
        }

        func run() async throws {
            try await runReporting {
                let (host, port) = try ServerSettings.listenAddress(listen)
                let tls: ServerSettings.TLS =
                    insecureHttp ? .disabled : tlsCert.map { .files(certificate: $0, key: tlsKey ?? "") } ?? .internalCA
                let settings = ServerSettings(
                    host: host, port: port, data: ServerData(directory: data), tls: tls, allowTLS12: tls12, postQuantumOnly: pqOnly,
                    clientCertificates: clientCertificates,
                    oidc: try oidcIssuer.map {
                        OIDCVerifier.Settings(
                            issuer: $0, audience: oidcAudience ?? "", userClaim: oidcUserClaim, groupsClaim: oidcGroupsClaim, redirectURL: oidcRedirectUrl,
                            clientSecret: try OIDCVerifier.clientSecretFrom(file: oidcClientSecretFile, environment: ProcessInfo.processInfo.environment))
                    }, workers: workers,
                    requestsPerMinute: rateLimit, environment: ProcessInfo.processInfo.environment)
                if logFormat == "json" { LoggingSystem.bootstrap(JSONLogHandler.init) }
                var logger = Logger(label: "dharma.server")
                logger.logLevel = .info
                try await ControlPlane(settings: settings).run(logger: logger) { started in
                    print("dharma server listening on \(started.url)")
                    if let fingerprint = started.fingerprint { print("TLS certificate SHA-256 fingerprint: \(fingerprint)") }
                    if let authority = started.authorityPath { print("clients trust the CA in \(authority)") }
                    if let token = started.adminTokenPath { print("the admin token is in \(token) (mode 0600); it is shown nowhere else") }
                    fflush(nil)
                }
            }
        }
    }
}

extension ServerSettings.ClientCertificates: ExpressibleByArgument {}

extension ServerCommand {
    struct ClientCert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "client-cert",
            abstract: "Issue a client certificate from the server's internal CA, for a machine client (mTLS).",
            discussion: "Writes NAME.pem and NAME.key (mode 0600) to --out; a server started with --client-certificates accepts them.")

        @Option(help: "The server's data directory (its internal CA is under DATA/tls/ca).", completion: .directory) var data: String
        @Option(help: "The machine's name (the certificate's common name).") var name: String
        @Option(help: "Directory to write NAME.pem and NAME.key to.", completion: .directory) var out: String
        @Option(help: "Days the certificate is valid.") var days = 90

        func run() async throws {
            try await runReporting {
                let (issued, certificate, key) = try ControlPlane.writeClientCertificate(
                    name: name, data: ServerData(directory: data), validityDays: days, to: out)
                print("wrote \(certificate) and \(key) (serial \(issued.serial), valid until \(issued.notAfter))")
            }
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract: "Set a user's password for the web console (read from the first line of standard input).",
            discussion: "12 to 72 bytes; stored as a bcrypt hash. Setting it ends the user's console sessions. The server may be running.")

        @Option(help: "The server's data directory.", completion: .directory) var data: String
        @Option(help: "The user whose password to set.") var user: String

        func run() async throws {
            try await runReporting {
                guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                    throw ServiceError.invalidInput("give the password on standard input, e.g. printf '%s\\n' \"$PASSWORD\" | dharma server set-password …")
                }
                try await ControlPlane.setConsolePassword(password, of: user, data: ServerData(directory: data))
                print("set the console password of \(user); their console sessions have ended")
            }
        }
    }
}
