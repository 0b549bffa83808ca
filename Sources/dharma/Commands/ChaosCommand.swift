import ArgumentParser
import DharmaChaos
import DharmaCore
import DharmaService
import Foundation

struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Run chaos experiments against a running stack, and stop them all.",
        discussion: """
            An experiment (YAML, kind: Experiment) names the blueprint of the stack under test, the steady state as probes (`http: {resource, path, status, within}`, `health: {min}`), the method as faults (kill, latency, cpu, memory, connections, region) with targets and durations, abort conditions (probe names) and whether to roll back. Faults are always removed at the end, on abort, on Ctrl-C and by `dharma chaos halt`; a run that was killed leaves a journal the next run (or `dharma up`) uses to remove its faults.

            Examples:
              dharma chaos run examples/chaos/kill-web.yaml --report report.md
              dharma chaos halt -f examples/webapp.yaml
              dharma chaos resume -f examples/webapp.yaml
            """,
        subcommands: [Run.self, Halt.self, Resume.self, GameDayCommand.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one experiment; exit 0 when the steady state held, 3 when it deviated, aborted or did not hold before.")

        @Argument(help: "The experiment file.", completion: .file(extensions: ["yaml", "yml"])) var experiment: String
        @Option(help: "State database of the stack (default: next to the experiment's blueprint).") var state: String?
        @Option(help: "Seed for random targets, to repeat a run exactly.") var seed: UInt64?
        @Option(help: "Also write the report as Markdown to this file.") var report: String?
        @Flag(help: "Print the report as JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let stop = StopSignal()
                let json = json
                let result = try await ChaosService(context: .cli).run(
                    experiment, state: state, seed: seed ?? UInt64(Date().timeIntervalSince1970 * 1000),
                    shouldStop: { stop.received }
                ) { line in
                    if !json { print(line); fflush(nil) }
                }
                if let report {
                    do { try result.markdown.write(toFile: report, atomically: true, encoding: .utf8) } catch {
                        throw ServiceError.failed("cannot write the report to \(report): \(error.localizedDescription)")
                    }
                }
                if json {
                    print(result.json)
                } else {
                    print("Experiment \(result.experiment): \(result.status.rawValue)" + (result.reason.map { " — \($0)" } ?? ""))
                    if let recovered = result.recoveredAfter { print(String(format: "steady state back %.1f s after the faults were removed", recovered)) }
                }
                switch result.status {
                case .succeeded: return
                case .halted: throw ExitCode(Exit.failure)
                case .deviated, .aborted, .notSteady: throw ExitCode(Exit.policyViolation)
                }
            }
        }
    }

    /// Where the kill switch lives: the state directory of a blueprint or database.
    struct Location: ParsableArguments {
        @Option(name: [.customShort("f"), .customLong("file")], help: "Blueprint of the stack.") var file: String?
        @Option(help: "State database (default: .dharma/dharma.db next to the blueprint or here, or $DHARMA_STATE).") var state: String?

        var selector: StackSelector { StackSelector(file: file, state: state) }
    }

    struct Halt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Kill switch: stop running experiments, remove their faults now, and refuse new ones until `dharma chaos resume`.")
        @OptionGroup var location: Location

        func run() async throws {
            try await runReporting {
                let (journal, removed) = try ChaosService(context: .cli).halt(location.selector)
                print(
                    "Chaos halted (\(journal.haltPath)). Removed \(removed.count) fault\(removed.count == 1 ? "" : "s")"
                        + (removed.isEmpty ? "." : ": " + removed.map(\.description).joined(separator: "; ")))
            }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift the kill switch.")
        @OptionGroup var location: Location

        func run() async throws {
            try await runReporting {
                try ChaosService(context: .cli).resume(location.selector)
                print("Chaos experiments may run again.")
            }
        }
    }
}

extension ChaosCommand {
    struct GameDayCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gameday",
            abstract: "Inject many random faults one after another and measure how the autopilot heals them.",
            discussion: """
                Brings the stack up if it is not running, runs the autopilot in this process (it refuses to while a `dharma up` supervises the stack: two autopilots would both act on every incident), sends steady traffic through the stack's proxies, then — each time the stack is steady again — kills a replica or a local database server, makes a replica leak memory or hang, or burns the CPU of an autoscaled service, and waits for the incidents it causes to be verified resolved. Prints healed without a human (%), MTTR p50/p95 (injection until service was restored — the fix in place and healthy from then on, as the verification window confirmed) and the time until the incidents were closed, failed client requests, RCA top-1 (the first incident named the faulted resource) and whether `dharma audit verify` passes at the end. The stack is left running.

                Examples:
                  dharma chaos gameday examples/webapp.yaml --faults 100 --seed 7
                  dharma chaos gameday examples/webapp.yaml --faults 10 --json
                """)

        @Argument(help: "The blueprint of the stack.", completion: .file(extensions: ["yaml", "yml"])) var blueprint: String
        @Option(help: "How many faults to inject.") var faults = 100
        @Option(help: "Seed for the choice of faults and targets.") var seed: UInt64 = 1
        @Option(help: "State database (default: .dharma/dharma.db next to the blueprint).") var state: String?
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            try await runReporting {
                let stop = StopSignal()
                let json = json
                let result = try await ChaosService(context: .cli).gameDay(
                    blueprint, state: state, faults: faults, seed: seed,
                    shouldStop: { stop.received }
                ) { line in
                    if !json { print(line); fflush(nil) }
                }
                if json {
                    print(try jsonText(result))
                    return
                }
                let seconds = { (value: Double?) in value.map { String(format: "%.1f s", $0) } ?? "–" }
                print(
                    """

                    Game day on \(blueprint), seed \(seed): \(result.faults) faults
                      healed without a human  \(String(format: "%.1f", result.healedPercent)) %
                      MTTR (restored)         p50 \(seconds(result.mttrP50)), p95 \(seconds(result.mttrP95))
                      incidents resolved      p50 \(seconds(result.resolvedP50)), p95 \(seconds(result.resolvedP95)) after injection
                      client requests         \(result.requests), failed \(result.failedRequests)
                      RCA top-1               \(result.rcaTop1Percent.map { String(format: "%.1f %%", $0) } ?? "–")
                      audit log verifies      \(result.auditVerified ? "yes" : "NO")
                    """)
            }
        }
    }
}
