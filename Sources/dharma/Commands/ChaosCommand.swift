import ArgumentParser
import DharmaAutopilot
import DharmaCore
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
        subcommands: [Run.self, Halt.self, Resume.self])

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
                let parsed: Experiment
                do throws(ExperimentParser.Failure) {
                    parsed = try ExperimentParser.load(path: experiment)
                } catch {
                    let count = error.diagnostics.filter { $0.severity == .error }.count
                    throw CLIFailure(message: "\(experiment) is not a valid experiment (\(count) error\(count == 1 ? "" : "s"))", code: Exit.invalidInput,
                                     diagnostics: error.diagnostics, source: error.source)
                }
                let engine = try StatePaths.engine(at: StatePaths.resolve(explicit: state, blueprint: parsed.blueprint), parallelism: 10, audited: true,
                                                   reason: "chaos experiment \(parsed.name)")
                let stop = StopSignal()
                let runner = ExperimentRunner(engine: engine, seed: seed ?? UInt64(Date().timeIntervalSince1970 * 1000),
                                              shouldStop: { stop.received }) { line in
                    if !json { print(line); fflush(nil) }
                }
                let result: ExperimentReport
                do {
                    result = try await runner.run(parsed)
                } catch let error as ExperimentRunner.RunError {
                    throw CLIFailure(message: error.description, code: Exit.invalidInput)
                }
                if let report {
                    do { try result.markdown.write(toFile: report, atomically: true, encoding: .utf8) } catch {
                        throw CLIFailure(message: "cannot write the report to \(report): \(error.localizedDescription)", code: Exit.failure)
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

        var journal: ChaosJournal {
            let path = StatePaths.resolve(explicit: state, blueprint: file)
            let directory = (path as NSString).deletingLastPathComponent
            return ChaosJournal(stateDirectory: directory.isEmpty ? "." : directory)
        }
    }

    struct Halt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Kill switch: stop running experiments, remove their faults now, and refuse new ones until `dharma chaos resume`.")
        @OptionGroup var location: Location

        func run() throws {
            let journal = location.journal
            do {
                let removed = try journal.halt()
                print("Chaos halted (\(journal.haltPath)). Removed \(removed.count) fault\(removed.count == 1 ? "" : "s")"
                    + (removed.isEmpty ? "." : ": " + removed.map(\.description).joined(separator: "; ")))
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode(Exit.failure)
            }
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift the kill switch.")
        @OptionGroup var location: Location

        func run() {
            location.journal.resume()
            print("Chaos experiments may run again.")
        }
    }
}
