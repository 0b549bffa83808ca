import DharmaCore
import DharmaStore

/// Hides the values of a stack's sensitive variables wherever they would be shown: run logs,
/// state and outputs read through the API. A sensitive variable interpolated into a property
/// the catalog does not call sensitive (`content: "${var.token}"`) would otherwise appear in
/// clear, as CI systems mask their secrets in build logs.
public struct SecretMask: Sendable {
    static let replacement = "(sensitive)"
    /// Longest first, so a secret that contains another is hidden whole.
    let secrets: [String]

    public init(_ secrets: some Sequence<String>) {
        // One- to three-character values would mask ordinary text everywhere.
        self.secrets = Set(secrets.filter { $0.count >= 4 }).sorted { $0.count > $1.count }
    }

    public static let none = SecretMask([])

    public func mask(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: Self.replacement) }
    }

    public func mask(_ value: Value) -> Value {
        guard !secrets.isEmpty else { return value }
        switch value {
        case .string(let text): return .string(mask(text))
        case .list(let items): return .list(items.map(mask))
        case .map(let entries): return .map(entries.mapValues(mask))
        default: return value
        }
    }
}

extension TenantService {
    /// The mask of `stack`'s sensitive variables.
    func secretMask(for stack: ManagedStack) async throws(ServiceError) -> SecretMask {
        let variables = try await serviceCall { try await store.variables(of: stack.stack, in: stack.organisation) }
        guard variables.contains(where: \.sensitive) else { return .none }
        let resolved = try await resolvedVariables(of: stack)
        return SecretMask(variables.filter(\.sensitive).compactMap { resolved[$0.name] })
    }

    /// The mask for the stack a route reads, for a caller holding `read` there.
    public func secretMask(_ reference: String, in organisation: String) async throws(ServiceError) -> SecretMask {
        _ = try await access.require(.read, in: organisation, to: "read state")
        return try await secretMask(for: try await managedStack(reference, in: organisation))
    }
}
