import DharmaAPI
import DharmaCore
import DharmaService
import DharmaStore
import OpenAPIRuntime

/// Stacks, their blueprint versions, and validation.
extension APIHandler {
    /// Blueprint text from a YAML body, up to the body limit.
    static func text(of body: HTTPBody) async throws(ServiceError) -> String {
        do {
            return try await String(collecting: body, upTo: 4 << 20)
        } catch {
            throw .invalidInput("the blueprint body cannot be read (at most 4 MiB of UTF-8): \(error)")
        }
    }

    func listStacks(_ input: Operations.ListStacks.Input) async throws -> Operations.ListStacks.Output {
        await respond(Operations.ListStacks.Output.default) { () throws(ServiceError) in
            let page = try await tenants().stacks(in: input.path.org, project: input.query.project, try Cursor.page(input.query.cursor, input.query.limit))
            return .ok(.init(body: .json(.init(items: page.items.map { Components.Schemas.Stack($0) }, nextCursor: Cursor.encode(page.next)))))
        }
    }

    func createStack(_ input: Operations.CreateStack.Input) async throws -> Operations.CreateStack.Output {
        await respond(Operations.CreateStack.Output.default) { () throws(ServiceError) in
            guard case .json(let body) = input.body else { throw .invalidInput("the body must be JSON") }
            let stack = try await tenants().createStack(
                StackID(name: body.name, environment: body.environment), project: body.project, protected: body.protected, in: input.path.org)
            return .created(.init(body: .json(.init(stack))))
        }
    }

    func getStack(_ input: Operations.GetStack.Input) async throws -> Operations.GetStack.Output {
        await respond(Operations.GetStack.Output.default) { () throws(ServiceError) in
            let summary = try await tenants().stackSummary(input.path.stack, in: input.path.org)
            return .ok(.init(body: .json(.init(summary.stack, latestBlueprint: summary.latestBlueprint, latestRun: summary.latestRun))))
        }
    }

    func listBlueprintVersions(_ input: Operations.ListBlueprintVersions.Input) async throws -> Operations.ListBlueprintVersions.Output {
        await respond(Operations.ListBlueprintVersions.Output.default) { () throws(ServiceError) in
            let page = try await tenants().blueprints(of: input.path.stack, in: input.path.org, try Cursor.page(input.query.cursor, input.query.limit))
            return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.BlueprintVersion.init), nextCursor: Cursor.encode(page.next)))))
        }
    }

    func uploadBlueprint(_ input: Operations.UploadBlueprint.Input) async throws -> Operations.UploadBlueprint.Output {
        await respond(Operations.UploadBlueprint.Output.default) { () throws(ServiceError) in
            guard case .yaml(let body) = input.body else { throw .invalidInput("the body must be the blueprint's YAML") }
            let version = try await tenants().upload(try await Self.text(of: body), to: input.path.stack, in: input.path.org)
            return .created(.init(body: .json(.init(version))))
        }
    }

    func getBlueprintVersion(_ input: Operations.GetBlueprintVersion.Input) async throws -> Operations.GetBlueprintVersion.Output {
        await respond(Operations.GetBlueprintVersion.Output.default) { () throws(ServiceError) in
            guard input.path.version >= 1 else { throw .invalidInput("version \(input.path.version): versions count from 1", pointer: "/version") }
            let version = try await tenants().blueprint(input.path.version, of: input.path.stack, in: input.path.org)
            return .ok(.init(body: .json(.init(value1: .init(version), value2: .init(text: version.text)))))
        }
    }

    func validateBlueprint(_ input: Operations.ValidateBlueprint.Input) async throws -> Operations.ValidateBlueprint.Output {
        await respond(Operations.ValidateBlueprint.Output.default) { () throws(ServiceError) in
            guard case .yaml(let body) = input.body else { throw .invalidInput("the body must be the blueprint's YAML") }
            let result = try await tenants().validate(try await Self.text(of: body), in: input.path.org)
            return .ok(
                .init(
                    body: .json(
                        .init(
                            valid: result.valid, diagnostics: Components.Schemas.Diagnostic.all(result.diagnostics, sources: result.sources),
                            findings: result.reports.flatMap(\.findings).map(Components.Schemas.Finding.init),
                            policyVerdict: result.verdicts.compactMap(\.message).first))))
        }
    }
}
