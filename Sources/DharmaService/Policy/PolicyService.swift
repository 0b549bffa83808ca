import DharmaCore
import DharmaPolicy

/// Scanning Terraform, CloudFormation and blueprints against the rules, and compliance reports
/// per framework.
public struct PolicyService: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext = ServiceContext()) {
        self.context = context
    }

    /// Every finding in `paths`, with what could not be read; `verdict` at the threshold
    /// given (default: low).
    public func scan(_ paths: [String], settings: PolicySettings) throws(ServiceError) -> (report: PolicyReport, verdict: PolicyVerdict) {
        try context.authorise(.read, "scan infrastructure code")
        let report: PolicyReport
        do { report = try PathScan.scan(paths, settings: settings) } catch { throw ServiceError(error) }
        let gate = PolicyGate(rules: [], threshold: settings.failOn ?? .low)
        return (report, gate.verdict(report))
    }

    public struct Compliance: Sendable {
        public var reports: [ComplianceReport]
        /// Files that could not be assessed.
        public var problems: [ScanProblem]
    }

    /// Each control of each framework: pass, fail or not applicable.
    public func compliance(_ path: String, frameworks names: [String], settings: PolicySettings) throws(ServiceError) -> Compliance {
        var frameworks: [Framework] = []
        for name in names {
            guard let parsed = Framework(rawValue: name.lowercased()) else {
                let known = Framework.allCases.map(\.rawValue)
                throw .invalidInput(
                    "--framework \(name): choose one of " + known.joined(separator: ", ")
                        + (Suggestion.hint(for: name, in: known).map { " (\($0))" } ?? ""))
            }
            frameworks.append(parsed)
        }
        guard !frameworks.isEmpty else { throw .invalidInput("name a framework with --framework") }
        let (scanned, _) = try scan([path], settings: settings)
        let rules: [Rule]
        do { rules = try settings.rules(near: PathScan.base(of: [path])) } catch { throw ServiceError(error) }
        return Compliance(
            reports: frameworks.map { ComplianceReport(framework: $0, rules: rules, findings: scanned.findings) },
            problems: scanned.problems)
    }
}
