import ArgumentParser
import DharmaAutopilot
import DharmaService
import Foundation

struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Score a running stack's health, 0–100, and say what costs it points.",
        discussion: """
            100 less a capped penalty per problem: SLO error-budget burn on the requests through the stack's proxies (10 × burn rate, up to 30; objective from metadata.slo.availability, default 99.9%), failing resources (10 each, up to 30), open incidents (critical 20, major 10, minor 3, up to 40), drifted resources (5 each, up to 15), certificates in their renewal window (10 each, up to 20) and capacity forecast to run out within 24 h (10 each, up to 20). `dharma up` records the score as the metric dharma_health_score.

            Examples:
              dharma health examples/webapp.yaml
              dharma health examples/webapp.yaml --json --min 80
            """)

    @OptionGroup var blueprint: BlueprintOptions
    @Option(help: "Exit 3 when the score is below this.") var min: Int?
    @Flag(help: "Print JSON.") var json = false

    @OptionGroup var remote: RemoteOptions

    func run() async throws {
        try await runReporting {
            let (stack, health) =
                remote.isRemote
                ? try await remote.withService { service in
                    let address = try await service.address(of: blueprint.file, environment: blueprint.stack.environment)
                    return (address.reference, try RemoteReport.decode(HealthScore.self, from: try await service.health(address).mapValues { $0 ?? NSNull() }))
                }
                : try await HealthService(context: .cli).health(try blueprint.input())
            if json {
                print(try jsonText(health))
            } else {
                print("Health of \(stack): \(health.score)/100")
                if let availability = health.availability {
                    print(String(format: "  availability %.3f%% (objective %.2f%%)", availability * 100, health.objective * 100))
                }
                for penalty in health.penalties {
                    print("  −\(String(format: "%.0f", penalty.points).padded(3)) \(penalty.component.padded(13)) \(penalty.detail)")
                }
            }
            if let min, health.score < min { throw ExitCode(Exit.policyViolation) }
        }
    }
}
