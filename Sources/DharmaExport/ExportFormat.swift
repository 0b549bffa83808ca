import DharmaCore

/// The code a blueprint can be exported as.
public enum ExportFormat: String, Sendable, CaseIterable {
    case terraform
    case cloudformation
    case cloudformationJSON = "cloudformation-json"
    case bicep
    case pulumi
    case kubernetes

    /// `opentofu` and `tf` are accepted for Terraform, `cfn` for CloudFormation, `k8s` for Kubernetes.
    public init?(name: String) {
        let aliases: [String: ExportFormat] = [
            "opentofu": .terraform, "tofu": .terraform, "tf": .terraform, "hcl": .terraform,
            "cfn": .cloudformation, "cfn-json": .cloudformationJSON, "k8s": .kubernetes,
        ]
        guard let format = ExportFormat(rawValue: name.lowercased()) ?? aliases[name.lowercased()] else { return nil }
        self = format
    }

    public func export(_ stack: ExportStack) throws(ExportError) -> [GeneratedFile] {
        switch self {
        case .terraform: return try TerraformExporter().export(stack)
        case .cloudformation: return try CloudFormationExporter(encoding: .yaml).export(stack)
        case .cloudformationJSON: return try CloudFormationExporter(encoding: .json).export(stack)
        case .bicep: return try BicepExporter().export(stack)
        case .pulumi: return try PulumiExporter().export(stack)
        case .kubernetes: return try KubernetesExporter().export(stack)
        }
    }
}
