import DharmaStore
import Foundation

/// An organisation's roles: the four built-in ones, and custom roles its admins define as
/// sets of permissions (a deployer who may plan and apply but not destroy, an auditor who only
/// reads). Members hold custom roles as they hold built-in ones.
public struct CustomRoleService: Sendable {
    public var tenants: TenantService

    public init(tenants: TenantService) {
        self.tenants = tenants
    }

    /// One role and what it grants.
    public struct Definition: Sendable {
        public var name: Role
        public var permissions: Set<Permission>
        public var builtIn: Bool
    }

    public func roles(in organisation: String) async throws(ServiceError) -> [Definition] {
        _ = try await tenants.access.require(.read, in: organisation, to: "list roles")
        let custom = try await serviceCall { try await tenants.store.customRoles(in: organisation) }
        return Role.builtIn.map { Definition(name: $0, permissions: $0.permissions, builtIn: true) }
            + custom.map { Definition(name: $0.name, permissions: Set($0.permissions.compactMap(Permission.init(rawValue:))), builtIn: false) }
    }

    /// Defines the role, or changes what it grants; members who hold it get the new
    /// permissions with their next request.
    public func setRole(_ name: String, permissions: [String], in organisation: String) async throws(ServiceError) -> Definition {
        _ = try await tenants.access.require(.administer, in: organisation, to: "define roles")
        guard let role = Role(rawValue: name) else {
            throw .invalidInput("role `\(name.prefix(60))`: lowercase letters, digits and dashes, starting with a letter, at most 40", pointer: "/role")
        }
        guard !role.isBuiltIn else { throw .conflict("`\(role)` is a built-in role; its permissions are fixed") }
        var granted = Set<Permission>()
        for permission in permissions {
            guard let known = Permission(rawValue: permission) else {
                throw .unprocessable(
                    "permissions: `\(permission.prefix(40))` is not one of \(Permission.allCases.map(\.rawValue).joined(separator: ", "))",
                    pointer: "/permissions")
            }
            granted.insert(known)
        }
        guard !granted.isEmpty else { throw .unprocessable("permissions: a role grants at least one permission", pointer: "/permissions") }
        let sorted = Permission.allCases.filter(granted.contains).map(\.rawValue)
        try await serviceCall {
            try await tenants.store.saveCustomRole(
                CustomRole(organisation: organisation, name: role, permissions: sorted, createdAt: Date().timeIntervalSince1970))
        }
        try await tenants.recordOrganisation(organisation, action: "role-set", reason: "\(role) grants \(sorted.joined(separator: ", "))")
        return Definition(name: role, permissions: granted, builtIn: false)
    }

    /// Removes a custom role no member holds.
    public func removeRole(_ name: String, in organisation: String) async throws(ServiceError) {
        _ = try await tenants.access.require(.administer, in: organisation, to: "remove roles")
        guard let role = Role(rawValue: name), !role.isBuiltIn else { throw .conflict("`\(name.prefix(60))` is not a custom role") }
        let holders = try await serviceCall { try await tenants.store.count(of: role, in: organisation) }
        guard holders == 0 else { throw .conflict("\(holders) member\(holders == 1 ? " holds" : "s hold") `\(role)`; give them another role first") }
        guard try await serviceCall({ try await tenants.store.removeCustomRole(role, in: organisation) }) else {
            throw .notFound("role `\(role)` not found")
        }
        try await tenants.recordOrganisation(organisation, action: "role-removed", reason: role.rawValue)
    }
}
