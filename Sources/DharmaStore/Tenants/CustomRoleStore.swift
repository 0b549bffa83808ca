/// Where each organisation's custom roles are kept.
public protocol CustomRoleStore: Sendable {
    func customRoles(in organisation: String) async throws -> [CustomRole]
    /// Adds the role, or replaces the permissions of the one of that name.
    func saveCustomRole(_ role: CustomRole) async throws
    func removeCustomRole(_ name: Role, in organisation: String) async throws -> Bool
}
