import DharmaCore

/// The control plane's own records: organisations and their projects, users, memberships,
/// API tokens, the stacks it manages with their blueprint versions, and runs with their logs.
/// Every query about a tenant's objects takes the organisation, so none can leak across.
public protocol TenantStore: WebhookStore, WitnessStore, PolicyEnforcementStore, ApprovalKeyStore, CustomRoleStore, ConsoleSessionStore, DriftCheckStore {
    func createUser(_ user: User) async throws
    func user(named name: String) async throws -> User?
    func users(_ page: PageRequest) async throws -> Page<User>

    func createOrganisation(_ organisation: Organisation, admin: String) async throws
    func organisation(named name: String) async throws -> Organisation?
    func organisations(of user: String, _ page: PageRequest) async throws -> Page<Organisation>

    func setMembership(_ membership: Membership) async throws
    func removeMembership(organisation: String, user: String) async throws -> Bool
    func memberships(of user: String) async throws -> [Membership]
    func members(of organisation: String, _ page: PageRequest) async throws -> Page<Membership>
    func membership(of user: String, in organisation: String) async throws -> Membership?
    func count(of role: Role, in organisation: String) async throws -> Int

    func createToken(_ token: APIToken) async throws
    func token(withHash hash: String) async throws -> APIToken?
    /// The token, its user and the user's memberships, read at once: what every request needs.
    func credentials(withHash hash: String) async throws -> (token: APIToken, user: User, memberships: [Membership])?
    func tokens(of user: String, _ page: PageRequest) async throws -> Page<APIToken>
    func revokeToken(id: String, of user: String) async throws -> Bool
    func markUsed(token id: String, at time: Double) async throws

    func createProject(_ project: Project) async throws
    func project(_ name: String, in organisation: String) async throws -> Project?
    func projects(in organisation: String, _ page: PageRequest) async throws -> Page<Project>

    func createStack(_ stack: ManagedStack) async throws
    func stack(_ stack: StackID, in organisation: String) async throws -> ManagedStack?
    func stacks(in organisation: String, project: String?, _ page: PageRequest) async throws -> Page<ManagedStack>
    /// Locks the stack for `by` (nil unlocks it).
    func setLock(of stack: StackID, in organisation: String, by: String?, reason: String?) async throws

    func setVariable(_ variable: StackVariable, of stack: StackID, in organisation: String) async throws
    func removeVariable(_ name: String, of stack: StackID, in organisation: String) async throws -> Bool
    func variables(of stack: StackID, in organisation: String) async throws -> [StackVariable]

    /// Stores `text` as the stack's next version.
    func addBlueprint(text: String, sha256: String, author: String, at time: Double, to stack: StackID, in organisation: String) async throws
        -> BlueprintVersion
    func blueprint(version: Int?, of stack: StackID, in organisation: String) async throws -> BlueprintVersion?
    func blueprints(of stack: StackID, in organisation: String, _ page: PageRequest) async throws -> Page<BlueprintVersion>
    /// The stack with its newest blueprint version and newest run's id, read at once.
    func summary(of stack: StackID, in organisation: String) async throws -> (stack: ManagedStack, blueprint: Int?, run: String?)?

    func createRun(_ run: Run) async throws
    func updateRun(_ run: Run) async throws
    func run(_ id: String, in organisation: String) async throws -> Run?
    func runs(of stack: StackID, in organisation: String, _ page: PageRequest) async throws -> Page<Run>
    /// Runs not yet final, oldest first: what a restarted server must settle.
    func unfinishedRuns() async throws -> [Run]
    /// Each stack's newest run: what a restarted server supervises again.
    func newestRuns() async throws -> [Run]
    func appendLog(_ text: String, at time: Double, to run: String) async throws -> RunLogLine
    func log(of run: String, after index: Int) async throws -> [RunLogLine]
}

/// Refused by the tenant store: a name taken, a missing parent.
public struct TenantStoreError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case exists, missing }
    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
