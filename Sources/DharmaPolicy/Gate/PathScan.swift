import DharmaCore
import Foundation

/// `dharma scan`: directories and files checked against the rules. Dharma blueprints go through
/// the blueprint adapter; Terraform and CloudFormation through their readers. A file that
/// cannot be read is a problem of its own; the rest is still scanned.
public enum PathScan {
    public static func scan(_ paths: [String], settings: PolicySettings, today: String = PolicyGate.today()) throws(PolicySettings.Failure) -> PolicyReport {
        var resources: [PolicyResource] = []
        var problems: [ScanProblem] = []
        var files = 0
        var waivers = try settings.waivers()
        for path in paths where isBlueprint(path) {
            let prepared: PreparedBlueprint
            do {
                prepared = try PreparedBlueprint.prepare(path: path, environment: nil, variables: [:])
            } catch {
                problems.append(ScanProblem(file: path, line: 1, message: "not a valid blueprint (`dharma validate \(path)` says why)"))
                continue
            }
            resources += BlueprintAdapter.model(prepared.blueprint, variables: prepared.variables)
            waivers += try PolicySettings(waiverFile: nil).waivers(blueprint: path).filter { !waivers.contains($0) }
            files += 1
        }
        let scanned = PolicyScanner().scan(paths.filter { !isBlueprint($0) })
        resources += scanned.resources
        problems += scanned.problems
        files += scanned.files
        let rules = try settings.rules(near: base(of: paths))
        let findings = PolicyEngine(rules: rules, waivers: waivers).evaluate(resources, today: today)
        return PolicyReport(findings: findings, problems: problems, files: files, resources: resources.count)
    }

    /// Where a scan's team rules (`policies/`) are looked for: the first path, or its folder
    /// when it is a file.
    public static func base(of paths: [String]) -> String {
        guard let path = paths.first else { return "." }
        let base = PolicySettings.isDirectory(path) ? path : (path as NSString).deletingLastPathComponent
        return base.isEmpty ? "." : base
    }

    /// A YAML file that declares Dharma's blueprint format in its first 4 KiB.
    public static func isBlueprint(_ path: String) -> Bool {
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml"), let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 4096), as: UTF8.self)
        return head.contains("dharma.dev/v3")
    }
}
