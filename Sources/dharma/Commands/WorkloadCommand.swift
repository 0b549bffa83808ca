import ArgumentParser
import DharmaWorkload

struct WorkloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workload",
        abstract: "Run the demo HTTP service (health, CPU work, faults, Prometheus metrics).",
        discussion: """
            Endpoints: GET /healthz, GET /work?ms=N, POST /fault/{crash,leak,cpu,slow,hang} (toggles), GET /metrics.

            Examples:
              dharma workload --port 8080
              curl -X POST localhost:8080/fault/leak
            """)

    @Option(help: "Port to listen on (loopback).") var port: Int

    func run() throws {
        do {
            try WorkloadServer(port: port).run()
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(Exit.failure)
        }
    }
}
