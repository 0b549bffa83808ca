import ArgumentParser
import DharmaCore
import DharmaEngine
import DharmaPolicy
import Foundation

/// Rules, waivers and the failure threshold, shared by `scan`, `compliance`, `plan` and `apply`.
struct PolicyOptions: ParsableArguments {
    @Option(help: "Exit 3 when a finding at or above this severity fails: info, low, medium, high, critical.")
    var failOn: String?

    @Option(help: "A directory of team rules (*.yaml), in addition to the built-in pack and a `policies/` folder next to what is scanned.")
    var policies: [String] = []

    @Option(help: "A YAML file of waivers: {waivers: [{rule, resource, justification, expires, approver}]}.")
    var waivers: String?

    func threshold(default fallback: Rule.Severity?) throws -> Rule.Severity? {
        guard let failOn else { return fallback }
        guard let severity = Rule.Severity(rawValue: failOn.lowercased()) else {
            throw CLIFailure(message: "--fail-on \(failOn): choose one of " + Rule.Severity.allCases.map(\.rawValue).joined(separator: ", "), code: Exit.invalidInput)
        }
        return severity
    }

    /// The built-in pack plus team rules; a malformed rule file ends the command with FILE:LINE errors.
    func rules(near base: String) throws -> [Rule] {
        var rules: [Rule]
        do { rules = try RuleLoader.builtIn() } catch { throw CLIFailure(message: "\(error)", code: Exit.failure) }
        var directories = policies
        let beside = (base as NSString).appendingPathComponent("policies")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: beside, isDirectory: &isDirectory), isDirectory.boolValue, !directories.contains(beside) {
            directories.append(beside)
        }
        for directory in directories {
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIFailure(message: "--policies \(directory): no such directory", code: Exit.invalidInput)
            }
            let (loaded, problems) = RuleLoader.load(directory: directory)
            if !problems.isEmpty {
                throw CLIFailure(message: problems.map(\.description).joined(separator: "\n"), code: Exit.invalidInput)
            }
            let known = Set(rules.map(\.id))
            if let clash = loaded.first(where: { known.contains($0.id) }) {
                throw CLIFailure(message: "\(clash.source): rule `\(clash.id)` is already defined by the built-in pack; give it another id", code: Exit.invalidInput)
            }
            rules += loaded
        }
        return rules
    }

    /// Waivers from `--waivers` and from the blueprint's own `waivers:`.
    func loadWaivers(blueprint: String? = nil) throws -> [Waiver] {
        var all: [Waiver] = []
        for (path, required) in [(waivers, true), (blueprint, false)] {
            guard let path else { continue }
            let loaded = YAMLLoader().load(path: path)
            guard let root = loaded.root else {
                if required { throw CLIFailure(message: "the waiver file is not valid YAML", code: Exit.invalidInput, diagnostics: loaded.diagnostics, source: loaded.source) }
                continue
            }
            let node = required ? root : root["waivers"]
            guard let node else { continue }
            do { all += try Waiver.parse(node) } catch { throw CLIFailure(message: error.description, code: Exit.invalidInput) }
        }
        return all
    }

    static var today: String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: Date())
    }
}

/// Policy checks of a blueprint inside plan and apply.
enum BlueprintPolicy {
    static func evaluate(_ prepared: StackEngine.Prepared, options: PolicyOptions) throws -> PolicyReport {
        let base = prepared.baseDirectory
        let rules = try options.rules(near: base)
        let waivers = try options.loadWaivers(blueprint: prepared.blueprint.path)
        let resources = BlueprintAdapter.model(prepared.blueprint, variables: prepared.variables)
        let findings = PolicyEngine(rules: rules, waivers: waivers).evaluate(resources, today: PolicyOptions.today)
        return PolicyReport(findings: findings, problems: [], files: 1, resources: resources.count)
    }

    static func summary(_ report: PolicyReport) -> String {
        var line = "Policy: \(report.passed.count) passed, \(report.failures.count) failed"
        if !report.waived.isEmpty { line += ", \(report.waived.count) waived" }
        let worst = report.orderedFailures.prefix(5).map { "\($0.rule.id) on \($0.resource.address) (\($0.rule.severity.rawValue))" }
        if !worst.isEmpty { line += ": " + worst.joined(separator: ", ") + (report.failures.count > 5 ? ", …" : "") }
        return line
    }

    /// Exit 3 when a failure reaches the threshold.
    static func gate(_ report: PolicyReport, threshold: Rule.Severity?) throws {
        guard let threshold else { return }
        let blocking = report.failures(atOrAbove: threshold)
        guard !blocking.isEmpty else { return }
        throw CLIFailure(message: "\(blocking.count) polic\(blocking.count == 1 ? "y finding" : "y findings") at or above \(threshold.rawValue): "
            + blocking.prefix(10).map { "\($0.rule.id) on \($0.resource.address)" }.joined(separator: ", "), code: Exit.policyViolation)
    }
}
