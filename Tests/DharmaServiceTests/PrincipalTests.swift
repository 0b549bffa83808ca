import DharmaAudit
import DharmaService
import Foundation
import Testing

@Suite("Service: principals and permissions")
struct PrincipalTests {
    @Test("a principal without a permission is refused inside the operation, and may do what it is allowed")
    func permissions() async throws {
        let workspace = try Workspace(fileStack())
        let viewer = ServiceContext.acting(as: "viewer@example", may: [.read])
        await #expect { try await StackService(context: viewer).prepareApply(.init(source: .blueprint(workspace.input))) } throws: { error in
            guard case ServiceError.forbidden(let message) = error else { return false }
            return message.contains("viewer@example may not apply changes (needs the apply permission)")
        }
        await #expect(throws: ServiceError.self) { try await StackService(context: viewer).plan(.init(blueprint: workspace.input)) }
        #expect(try StackService(context: viewer).validate([workspace.blueprint], policy: .init()).valid)

        // Changes are recorded under the principal's name.
        let operatorContext = ServiceContext.acting(as: "ops@example", may: [.read, .plan, .apply])
        let pending = try await StackService(context: operatorContext).prepareApply(.init(source: .blueprint(workspace.input)))
        #expect(try await StackService(context: operatorContext).apply(pending).ok)
        let entries = try await AuditService(context: viewer).log(StackSelector(file: workspace.blueprint), filter: AuditFilter())
        #expect(entries.map(\.actor) == ["ops@example"])
        await #expect(throws: ServiceError.self) { try await AuditService(context: viewer).rotateKeys(StackSelector(file: workspace.blueprint), reason: nil) }
    }
}
