import DharmaPolicy
import DharmaService
import Foundation
import Hummingbird

struct ComplianceView {
    struct FrameworkLink {
        var name: String
        var url: String
        /// `page` on the one shown, for `aria-current`.
        var current: String?
    }
    struct Control {
        var id: String
        var status: String
        var rules: String
        var failing: [String]
        var resources: Int
    }
    var organisation: String
    var stack: String
    var stackURL: String
    var frameworks: [FrameworkLink]
    var title: String
    var framework: String
    var controls: [Control]
    var passed: Int
    var failed: Int
    var notApplicable: Int
    var score: String
    var coverage: String
    var generated: String
    /// Files the scan could not read, so the report is honest about what it did not see.
    var problems: [String]
}

/// A stack's compliance per framework: each control passes, fails or has no check that applies,
/// with the resources that fail it; the page prints as a report (navigation and forms left out).
extension Console {
    func compliancePage(_ request: Request, _ organisation: String, _ reference: String) async throws -> Response {
        let (tenants, _, _) = try acting()
        let requested = request.uri.queryParameters["framework"].map(String.init) ?? Framework.soc2.rawValue
        guard let framework = Framework(rawValue: requested) else {
            return pages.problem(.badRequest, "framework `\(requested)`: choose one of " + Framework.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let compliance = try await ManagedStackService(tenants: tenants).compliance(reference, in: organisation, frameworks: [framework.rawValue])
        guard let report = compliance.reports.first else { return pages.problem(.internalServerError, "The compliance report came back empty.") }
        let base = "/console/orgs/\(organisation)/stacks/\(reference)/compliance"
        let controls = report.controls.map { control in
            ComplianceView.Control(
                id: control.id, status: control.status.rawValue, rules: control.rules.joined(separator: ", "), failing: control.failing,
                resources: control.resources)
        }
        let view = ComplianceView(
            organisation: organisation, stack: reference, stackURL: "/console/orgs/\(organisation)/stacks/\(reference)",
            frameworks: Framework.allCases.map { .init(name: $0.rawValue, url: base + "?framework=" + $0.rawValue, current: $0 == framework ? "page" : nil) },
            title: framework.title, framework: framework.rawValue, controls: controls,
            passed: report.controls.filter { $0.status == .pass }.count, failed: report.controls.filter { $0.status == .fail }.count,
            notApplicable: report.controls.filter { $0.status == .notApplicable }.count,
            score: String(format: "%.0f %%", report.score), coverage: String(format: "%.0f %%", report.coverage),
            generated: Self.time(Date().timeIntervalSince1970),
            problems: compliance.problems.map { "\(($0.file as NSString).lastPathComponent):\($0.line): \($0.message)" })
        return pages.render(.compliance, title: "\(reference) · \(framework.rawValue)", view)
    }
}
