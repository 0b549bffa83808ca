import ArgumentParser
import DharmaProxy

struct ProxyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Run the load-balancing proxy the local runtime puts in front of multi-replica services.",
        discussion: """
            The local runtime starts it for every compute.service with more than one replica (or with `heal.scale`); you rarely run it by hand. It routes each HTTP request round robin to a healthy replica, skips replicas that refuse or die (retrying idempotent requests elsewhere), fails over to `backup` backends while no primary is healthy, and lets draining replicas finish their requests. Backends come from --config, re-read when it changes. The admin port serves /status (JSON) and /metrics.

            Example:
              dharma proxy --port 8080 --admin-port 8081 --config .dharma/proxy/web.json
            """)

    @Option(help: "Port clients connect to (loopback).") var port: Int
    @Option(help: "Port for /status and /metrics (loopback).") var adminPort: Int
    @Option(help: "The backends file (JSON), re-read when it changes.") var config: String

    func run() throws {
        do {
            try ProxyServer(port: port, adminPort: adminPort, configPath: config).run()
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(Exit.failure)
        }
    }
}
