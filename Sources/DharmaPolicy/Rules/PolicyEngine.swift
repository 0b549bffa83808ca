/// One rule's verdict on one resource.
public struct Finding: Sendable {
    public var rule: Rule
    public var resource: PolicyResource
    public var verdict: Verdict
    /// The waiver that suppressed a failure, if one did.
    public var waiver: Waiver?

    /// The Checkov checks that test the same thing on this resource's provider: a finding on a
    /// `google_compute_firewall` names CKV_GCP_2, not the AWS and Azure checks of the same rule.
    public var equivalents: [String] {
        rule.equivalents.filter { CheckovIDs.applies($0, toProvider: resource.provider) }
    }

    public var message: String {
        switch verdict {
        case .pass: return "\(rule.title): passed"
        case .fail: return "\(rule.title)" + (rule.remediation.isEmpty ? "" : ". \(rule.remediation)")
        case .unknown: return "\(rule.title): depends on values the scan cannot know"
        }
    }
}

/// Evaluates rules over resources of the common model.
public struct PolicyEngine: Sendable {
    public var rules: [Rule]
    public var waivers: [Waiver]

    public init(rules: [Rule], waivers: [Waiver] = []) {
        self.rules = rules
        self.waivers = waivers
    }

    /// Every applicable (rule, resource) pair with its verdict; failures a current waiver
    /// covers carry that waiver.
    public func evaluate(_ resources: [PolicyResource], today: String) -> [Finding] {
        var findings: [Finding] = []
        for resource in resources {
            var scope = resource.properties
            scope["provider"] = .string(resource.provider)
            for rule in rules where rule.applies(to: resource) {
                // A property the resource's adapter does not describe means the rule does not
                // apply to it (a GCP bucket has no S3 public access block), rather than a failure.
                if rule.assertion.rootPaths.contains(where: { scope[$0] == nil && !PolicyKinds.common.contains($0) }) { continue }
                let evaluator = ExpressionEvaluator(scopes: [scope])
                if let when = rule.when, evaluator.truth(when) != true { continue }
                let verdict: Verdict
                switch evaluator.truth(rule.assertion) {
                case true?: verdict = .pass
                case false?: verdict = .fail
                case nil: verdict = .unknown
                }
                var finding = Finding(rule: rule, resource: resource, verdict: verdict)
                if verdict == .fail {
                    finding.waiver = waivers.first { $0.covers(rule: rule.id, resource: resource.address, today: today) }
                }
                findings.append(finding)
            }
        }
        return findings
    }
}
