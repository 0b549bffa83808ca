extension TerraformAdapter {
    static let policyTypes = [
        "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_policy",
        "aws_ssoadmin_permission_set_inline_policy",
    ]

    static let identityMappings: [String: Mapping] = Dictionary(
        uniqueKeysWithValues: policyTypes.map { type in
            (
                type,
                { (policy: ScannedResource, _: Links) in
                    ("iam.policy", ["statements": statements(policy["policy"] ?? policy["inline_policy"])])
                } as Mapping
            )
        })

    /// Statements as `{effect, actions, resources}`; `Effect` defaults to Allow, as IAM reads it.
    static func statements(_ document: PolicyValue?) -> PolicyValue {
        guard let document else { return .list([]) }
        let parsed: PolicyValue
        switch document {
        case .string(let text): parsed = PolicyValue.json(text) ?? .unknown
        case .map: parsed = document
        default: return .unknown
        }
        guard case .map(let entries) = parsed else { return .unknown }
        let raw = entries["Statement"].map { $0.list ?? [$0] } ?? []
        return .list(
            raw.compactMap { statement -> PolicyValue? in
                guard case .map(let fields) = statement, fields["Action"] != nil else { return nil }
                func list(_ value: PolicyValue?) -> PolicyValue { .list(value.map { $0.list ?? [$0] } ?? []) }
                return .map(["effect": fields["Effect"] ?? .string("Allow"), "actions": list(fields["Action"]), "resources": list(fields["Resource"])])
            })
    }
}
