import ArgumentParser
import DharmaCore
import DharmaMetrics
import DharmaService
import Foundation

struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Validate, plan, apply, and keep the stack running (foreground).",
        discussion: """
            Applies the blueprint without asking, then runs the autopilot every --interval: what no longer matches what was applied becomes an incident (`dharma incidents`) — a replica that died, a file someone edited, a resource that is gone — and is healed: restarted with CrashLoopBackOff (immediately, then after 10 s, 20 s … up to 5 min; the count starts over after 10 min without a crash), reconciled or recreated. An incident is resolved once its symptom has stayed away for --verify-window. A change saved to the blueprint is applied as it is. While someone else holds the stack lock (`dharma apply`), the autopilot only watches. Every step is in the audit log, the autopilot's own as actor `autopilot`. Ctrl-C stops supervising; the services keep running until `dharma destroy`.

            While it supervises, it scrapes every replica's /metrics into the stack's state database (labelled stack, resource and replica) every --scrape-interval, for `dharma metrics query` and `dharma metrics forecast`. A replica that stops answering is reported once, and again when it recovers.

            Slow queries on a local PostgreSQL get the index their plan lacks, and a service whose pinned `package` and `version` an advisory of the --advisories feed names is moved to the fixing version in the blueprint itself; both wait for `dharma incident ID --approve` unless the resource's `heal` says `indexes: auto` or `patch: auto` (patch-level fixes only). Certificates from the internal CA are renewed within their renewBeforeDays, and the services that use them restarted one drained replica at a time.

            The policy gate (--fail-on, else the blueprint's policy.failOn) judges the first apply, every blueprint change `up` reconciles, and the autopilot's scale-outs, scale-ins, patches and indexes; a remediation it refuses becomes an escalated incident naming the rules.

            Examples:
              dharma up examples/webapp.yaml
              dharma up examples/webapp.yaml --advisories advisories/
              dharma up examples/webapp.yaml --env staging --interval 5
            """)

    @OptionGroup var blueprint: BlueprintOptions
    @OptionGroup var policy: PolicyOptions

    @Option(help: "Seconds between control-loop ticks.")
    var interval: Double = 1

    @Option(help: "Seconds a fixed symptom must stay away before its incident is resolved.")
    var verifyWindow: Double = 3

    @Flag(help: "Apply once and return instead of supervising.")
    var once = false

    @Option(help: "Time between metrics scrapes of the stack's services, such as 15s or 1m; a bare number is seconds, 0 turns scraping off.")
    var scrapeInterval: String = "15s"

    @Option(
        help: ArgumentHelp(
            "Tell a receiver when incidents open and resolve: pagerduty=URL (key in $DHARMA_PAGERDUTY_ROUTING_KEY), opsgenie=URL (key in $DHARMA_OPSGENIE_API_KEY) or slack=URL; repeatable, or comma-separated in $DHARMA_NOTIFY.",
            valueName: "KIND=URL"))
    var notify: [String] = []

    @Option(
        help: ArgumentHelp(
            "An OSV advisory feed, a JSON file or a directory of them (default: $DHARMA_ADVISORIES), matched against the `package` and `version` services pin.",
            valueName: "PATH"))
    var advisories: String?

    @Option(help: "Why, for the audit log (default: the command that ran).")
    var reason: String?

    func run() async throws {
        try await runReporting {
            let request = SupervisionService.Request(
                blueprint: try blueprint.input(), policy: try policy.settings(), interval: interval,
                verifyWindow: verifyWindow, once: once, scrapeInterval: scrapeInterval, notify: notify,
                advisories: advisories, reason: reason)
            let stop = StopSignal()
            let file = blueprint.file
            let progress = ApplyOutput.progress(json: false)
            try await SupervisionService(context: .cli).run(request, shouldStop: { stop.received }) { event in
                switch event {
                case .starting(let stack): print("Dharma is bringing up \(stack) from \(file)")
                case .removedFault(let fault): print("removed a chaos fault left by an interrupted experiment: \(fault)")
                case .planned(let plan, let policy):
                    print(PlanRenderer(colour: Terminal.colour).text(plan), terminator: "")
                    if !policy.failures.isEmpty { print(PolicySummary.line(policy)) }
                case .progress(let step): progress(step)
                case .lock(let acquisition): ApplyOutput.lockNotice(acquisition)
                case .applied(let plan, let report): ApplyOutput.summarise(plan: plan, report: report, json: false)
                case .supervising(let stack, let interval):
                    print("\nSupervising \(stack) every \(interval)s. Ctrl-C stops supervising (services keep running).")
                case .tick(let report):
                    for line in report.lines { print(line) }
                    for problem in report.problems { Terminal.error(problem) }
                    if report.destroyed { print("the stack was destroyed with `dharma destroy`; stopping supervision") }
                case .metrics(let note): Self.render(note)
                case .warning(let warning): Terminal.error("warning: \(warning)")
                case .stopped: print("\nStopped supervising. Services keep running; `dharma destroy \(file)` removes them.")
                }
                fflush(nil)
            }
        }
    }

    static func render(_ event: StackMetricsCollector.Event) {
        switch event {
        case .collecting(let replicas, let proxies, let interval):
            let proxied = proxies == 0 ? "" : " and \(proxies) prox\(proxies == 1 ? "y" : "ies")"
            print("collecting metrics from \(replicas) replica\(replicas == 1 ? "" : "s")\(proxied) every \(interval.formatted())s into the state database")
        case .notAnswering(let replica, let url, let reason): Terminal.error("metrics: \(replica) does not answer at \(url): \(reason)")
        case .answersAgain(let replica): print("metrics: \(replica) answers again")
        case .problem(let problem): Terminal.error("metrics: \(problem)")
        }
    }
}
