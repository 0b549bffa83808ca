import ArgumentParser
import DharmaClient
import DharmaService
import Foundation

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Remember a Dharma server and a token for it; later commands take --remote.",
        discussion: """
            Checks the token against the server (GET /v1/me) and saves a profile in ~/.config/dharma/config.yaml (mode 0600), which becomes the current one. The token comes from --token, else $DHARMA_TOKEN, else the first line of standard input. A server with its own internal CA needs --ca with the CA certificate it printed at start.

            Examples:
              dharma login https://127.0.0.1:8443 --ca data/tls/ca/ca.pem < data/admin-token
              dharma login https://dharma.example.com --token "$TOKEN" --org acme --profile work
            """)

    @Argument(help: "The server's URL.") var url: String
    @Option(help: "An API token (default: $DHARMA_TOKEN, or standard input).") var token: String?
    @Option(help: "The organisation commands act in (default: your only one).") var org: String?
    @Option(help: "The project new stacks are created in (default: `default`).") var project: String?
    @Option(help: "PEM file of the CA that signed the server's certificate.", completion: .file()) var ca: String?
    @Option(help: "Save as this profile.") var profile = "default"

    func run() async throws {
        try await runReporting {
            let environment = ProcessInfo.processInfo.environment
            let fromEnvironment = environment["DHARMA_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            guard let secret = token ?? fromEnvironment ?? readLine(strippingNewline: true), !secret.isEmpty else {
                throw ServiceError.invalidInput("give the token with --token, $DHARMA_TOKEN or on standard input")
            }
            let absoluteCA = ca.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            var remote = RemoteProfile(server: url, token: secret.trimmingCharacters(in: .whitespaces), organisation: org, project: project, ca: absoluteCA)
            let client = try RemoteClient(profile: remote)
            let checked: Result<(name: String, organisations: [String]), ServiceError>
            do throws(ServiceError) { checked = .success(try await LoginCheck.whoAmI(client)) } catch { checked = .failure(error) }
            await client.shutdown()
            let who = try checked.get()
            if remote.organisation == nil, who.organisations.count == 1 { remote.organisation = who.organisations.first }
            var configuration = try RemoteConfiguration.load(environment: environment)
            configuration.profiles[profile] = remote
            configuration.current = profile
            try configuration.save(environment: environment)
            print("Logged in to \(url) as \(who.name)" + (remote.organisation.map { " (organisation \($0))" } ?? ""))
            print("Saved as profile `\(profile)` in \(RemoteConfiguration.path(environment: environment)); commands take --remote now.")
        }
    }
}

enum LoginCheck {
    static func whoAmI(_ client: RemoteClient) async throws(ServiceError) -> (name: String, organisations: [String]) {
        let output = try await client.call { try await client.api.getCurrentUser() }
        guard case .ok(let ok) = output, case .json(let me) = ok.body else { throw client.unexpected(output) }
        return (me.name, me.memberships.map(\.organisation))
    }
}
