import DharmaCore

/// Resources a blueprint explicitly opens to the internet. Generated code blocks public
/// access everywhere else, so plans list these for a reviewer to confirm.
public enum PublicExposure {
    public static func of(_ blueprint: Blueprint) -> [(resource: String, reason: String)] {
        blueprint.resources.compactMap { spec in
            for (property, exposed) in [("public", "true"), ("publicIp", "true"), ("scheme", "internet-facing")] {
                if let entry = spec.property(property), entry.node.scalar == exposed {
                    return (spec.name, "\(property): \(exposed)")
                }
            }
            return nil
        }
    }
}
