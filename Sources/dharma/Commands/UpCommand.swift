import ArgumentParser
import DharmaAutopilot
import DharmaChaos
import DharmaCore
import DharmaEngine
import DharmaInsight
import DharmaStore
import Foundation

struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Validate, plan, apply, and keep the stack running (foreground).",
        discussion: """
            Applies the blueprint without asking, then runs the autopilot every --interval: what no longer matches what was applied becomes an incident (`dharma incidents`) — a replica that died, a file someone edited, a resource that is gone — and is healed: restarted with CrashLoopBackOff (immediately, then after 10 s, 20 s … up to 5 min; the count starts over after 10 min without a crash), reconciled or recreated. An incident is resolved once its symptom has stayed away for --verify-window. A change saved to the blueprint is applied as it is. While someone else holds the stack lock (`dharma apply`), the autopilot only watches. Every step is in the audit log, the autopilot's own as actor `autopilot`. Ctrl-C stops supervising; the services keep running until `dharma destroy`.

            While it supervises, it scrapes every replica's /metrics into the stack's state database (labelled stack, resource and replica) every --scrape-interval, for `dharma metrics query` and `dharma metrics forecast`. A replica that stops answering is reported once, and again when it recovers.

            Slow queries on a local PostgreSQL get the index their plan lacks, and a service whose pinned `package` and `version` an advisory of the --advisories feed names is moved to the fixing version in the blueprint itself; both wait for `dharma incident ID --approve` unless the resource's `heal` says `indexes: auto` or `patch: auto` (patch-level fixes only). Certificates from the internal CA are renewed within their renewBeforeDays, and the services that use them restarted one drained replica at a time.

            Examples:
              dharma up examples/webapp.yaml
              dharma up examples/webapp.yaml --advisories advisories/
              dharma up examples/webapp.yaml --env staging --interval 5
            """)

    @OptionGroup var blueprint: BlueprintOptions

    @Option(help: "Seconds between control-loop ticks.")
    var interval: Double = 1

    @Option(help: "Seconds a fixed symptom must stay away before its incident is resolved.")
    var verifyWindow: Double = 3

    @Flag(help: "Apply once and return instead of supervising.")
    var once = false

    @Option(help: "Time between metrics scrapes of the stack's services, such as 15s or 1m; a bare number is seconds, 0 turns scraping off.")
    var scrapeInterval: String = "15s"

    @Option(help: ArgumentHelp("Tell a receiver when incidents open and resolve: pagerduty=URL (key in $DHARMA_PAGERDUTY_ROUTING_KEY), opsgenie=URL (key in $DHARMA_OPSGENIE_API_KEY) or slack=URL; repeatable, or comma-separated in $DHARMA_NOTIFY.", valueName: "KIND=URL"))
    var notify: [String] = []

    @Option(help: ArgumentHelp("An OSV advisory feed, a JSON file or a directory of them (default: $DHARMA_ADVISORIES), matched against the `package` and `version` services pin.", valueName: "PATH"))
    var advisories: String?

    @Option(help: "Why, for the audit log (default: the command that ran).")
    var reason: String?

    func run() async throws {
        try await runReporting {
            guard let scrapeEvery = Double(scrapeInterval) ?? Units.seconds(.string(scrapeInterval)), scrapeEvery >= 0, scrapeEvery.isFinite else {
                throw CLIFailure(message: "--scrape-interval \(scrapeInterval): write a duration such as 15s or 1m, or 0", code: Exit.invalidInput)
            }
            let environment = ProcessInfo.processInfo.environment
            let targets = notify + (environment["DHARMA_NOTIFY"] ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty }
            let channels: [NotificationChannel]
            do {
                channels = try targets.map { try NotificationChannel.parse($0, environment: environment) }
            } catch {
                throw CLIFailure(message: "--notify \(error)", code: Exit.invalidInput)
            }
            let feed = advisories ?? environment["DHARMA_ADVISORIES"].flatMap { $0.isEmpty ? nil : $0 }
            if let feed {
                // Read once now, so a feed that is not OSV JSON stops `up` before anything is applied.
                var advisories = AdvisoryFeed(path: feed)
                do throws(AdvisoryFeed.Failure) {
                    try advisories.refresh()
                } catch {
                    throw CLIFailure(message: "--advisories: \(error)", code: Exit.invalidInput)
                }
            }
            let prepared = try blueprint.prepare()
            let engine = try blueprint.engine(audited: true, reason: reason)
            // Taken before anything is applied: a second `up` of the stack changes nothing.
            let lease = once ? nil : SupervisorLease(stateDirectory: engine.stateDirectory, stack: prepared.stack)
            do throws(SupervisorLease.Held) {
                try lease?.acquire(command: "up")
            } catch {
                throw CLIFailure(message: error.description, code: Exit.failure)
            }
            defer { lease?.release() }
            print("Dharma is bringing up \(prepared.stack) from \(blueprint.file)")
            for fault in ChaosJournal(stateDirectory: engine.stateDirectory).recover() {
                print("removed a chaos fault left by an interrupted experiment: \(fault.description)")
            }
            let (plan, _) = try await engine.plan(prepared)
            print(PlanRenderer(colour: Terminal.colour).text(plan), terminator: "")
            if plan.hasChanges {
                let report = try await engine.apply(plan, context: engine.context(for: prepared), operation: .reconcile,
                                                    progress: ApplyOutput.progress(json: false), onLock: ApplyOutput.lockNotice)
                try ApplyOutput.finish(plan: plan, report: report, json: false)
            }
            guard !once else { return }
            let stop = StopSignal()
            print("\nSupervising \(prepared.stack) every \(interval)s. Ctrl-C stops supervising (services keep running).")
            fflush(nil)
            let notifier = channels.isEmpty ? nil : IncidentNotifier(channels: channels) { Terminal.error("warning: \($0)") }
            guard let incidents = engine.store as? any IncidentStore else {
                throw CLIFailure(message: "the state store at \(blueprint.statePath()) keeps no incidents; the autopilot needs one", code: Exit.failure)
            }
            let autopilot = Autopilot(engine: engine, incidents: incidents, path: blueprint.file,
                                      environment: blueprint.environment, variables: try blueprint.variableOverrides(),
                                      settings: Autopilot.Settings(verifyWindow: verifyWindow, notifier: notifier, advisories: feed))
            let scraping = Task { [statePath = blueprint.statePath(), stack = prepared.stack, store = engine.store] in
                guard scrapeEvery > 0 else { return }
                let health = SeriesKey(name: "dharma_health_score", labels: ["stack": stack.description])
                await StackMetricsScraping(stack: stack, store: store, databasePath: statePath, interval: max(0.2, scrapeEvery)) {
                    await autopilot.health.map { [(health, Double($0.score))] } ?? []
                }.run()
            }
            defer { scraping.cancel() }
            await autopilot.run(interval: .milliseconds(Int(max(0.1, interval) * 1000)), shouldStop: { stop.received }) { report in
                for line in report.lines { print(line) }
                for problem in report.problems { Terminal.error(problem) }
                if report.destroyed { print("the stack was destroyed with `dharma destroy`; stopping supervision") }
                fflush(nil)
            }
            await notifier?.drain()
            print("\nStopped supervising. Services keep running; `dharma destroy \(blueprint.file)` removes them.")
        }
    }
}
