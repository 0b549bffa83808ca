import DharmaAPI
import DharmaCore
import DharmaService
import DharmaStore
import Foundation
import OpenAPIRuntime

/// One recorded resource, rollback, locks and variables.
extension APIHandler {
    func getStateResource(_ input: Operations.GetStateResource.Input) async throws -> Operations.GetStateResource.Output {
        await respond(Operations.GetStateResource.Output.default) { () throws(ServiceError) in
            let tenants = try tenants()
            let scope = try await tenants.stackScope(input.path.stack, in: input.path.org, .read, to: "read state")
            let mask = try await tenants.secretMask(input.path.stack, in: input.path.org)
            return .ok(.init(body: .json(Self.resource(try await StateService(context: scope.context).show(input.path.resource, scope.selector), mask: mask))))
        }
    }

    /// A recorded resource as the API shows it: `show` redacts sensitive inputs; outputs
    /// of sensitive properties are left out too.
    /// The stack's sensitive variables are masked wherever they were interpolated.
    static func resource(_ resource: ResourceState, mask: SecretMask) -> Components.Schemas.Resource {
        let sensitive = resource.secretInputs
        return .init(
            name: resource.name, _type: resource.type, provider: resource.provider.rawValue,
            inputs: .init(additionalProperties: Value.object(resource.inputs.mapValues(mask.mask))),
            outputs: .init(additionalProperties: Value.object(resource.outputs.filter { !sensitive.contains($0.key) }.mapValues(mask.mask))))
    }

    func rollbackState(_ input: Operations.RollbackState.Input) async throws -> Operations.RollbackState.Output {
        await respond(Operations.RollbackState.Output.default) { () throws(ServiceError) in
            .created(.init(body: .json(.init(try await runs().rollback(input.path.stack, to: input.path.version, in: input.path.org)))))
        }
    }

    func lockStack(_ input: Operations.LockStack.Input) async throws -> Operations.LockStack.Output {
        await respond(Operations.LockStack.Output.default) { () throws(ServiceError) in
            let reason = try Self.reason(input.body.map { if case .json(let body) = $0 { body } else { nil } } ?? nil)
            return .ok(.init(body: .json(.init(try await tenants().lock(input.path.stack, in: input.path.org, reason: reason)))))
        }
    }

    func unlockStack(_ input: Operations.UnlockStack.Input) async throws -> Operations.UnlockStack.Output {
        await respond(Operations.UnlockStack.Output.default) { () throws(ServiceError) in
            .ok(.init(body: .json(.init(try await tenants().unlock(input.path.stack, in: input.path.org)))))
        }
    }

    func listVariables(_ input: Operations.ListVariables.Input) async throws -> Operations.ListVariables.Output {
        await respond(Operations.ListVariables.Output.default) { () throws(ServiceError) in
            let variables = try await tenants().variables(of: input.path.stack, in: input.path.org)
            return .ok(.init(body: .json(.init(items: variables.map(Components.Schemas.Variable.init)))))
        }
    }

    func setVariable(_ input: Operations.SetVariable.Input) async throws -> Operations.SetVariable.Output {
        await respond(Operations.SetVariable.Output.default) { () throws(ServiceError) in
            guard case .json(let body) = input.body else { throw .invalidInput("the body must be JSON") }
            let variable = try await tenants().setVariable(
                input.path.name, value: body.value, sensitive: body.sensitive ?? false, of: input.path.stack, in: input.path.org)
            return .ok(.init(body: .json(.init(variable))))
        }
    }

    func deleteVariable(_ input: Operations.DeleteVariable.Input) async throws -> Operations.DeleteVariable.Output {
        await respond(Operations.DeleteVariable.Output.default) { () throws(ServiceError) in
            try await tenants().removeVariable(input.path.name, of: input.path.stack, in: input.path.org)
            return .noContent(.init())
        }
    }
}

extension Components.Schemas.Variable {
    init(_ variable: StackVariable) {
        self.init(
            name: variable.name, value: variable.sensitive ? nil : variable.value, sensitive: variable.sensitive, updatedAt: Date(epoch: variable.updatedAt))
    }
}
