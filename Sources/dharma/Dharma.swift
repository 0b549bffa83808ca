import ArgumentParser

@main
struct Dharma: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "dharma",
        abstract: "Describe infrastructure in a blueprint; Dharma validates, plans, applies and keeps it running.",
        discussion: """
            Exit codes: 0 ok, 1 failure, 2 invalid input, 3 policy violation, 4 changes present / drift detected.

            Start here:
              dharma up examples/webapp.yaml
            """,
        version: version,
        subcommands: [
            ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DestroyCommand.self, DriftCommand.self,
            UpCommand.self, StateCommand.self, OutputCommand.self, GraphCommand.self, SchemaCommand.self,
            AuditCommand.self, ApproveCommand.self, WitnessCommand.self, WorkloadCommand.self, BenchCommand.self, VersionCommand.self, ExportCommand.self,
            CostCommand.self, OptimizeCommand.self, ScanCommand.self, ComplianceCommand.self, InsightCommand.self, MetricsCommand.self,
            IncidentsCommand.self, IncidentCommand.self, AutopilotCommand.self, HealthCommand.self, SLOCommand.self, MigrateCommand.self, ChaosCommand.self,
            ProxyCommand.self,
            ServerCommand.self, LoginCommand.self, KeysCommand.self,
        ])
}
