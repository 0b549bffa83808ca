import DharmaCore
import DharmaStore
import Foundation

/// Where the server works on a stack: one directory per stack, which the local runtime treats
/// as the blueprint's directory (its relative paths, `data/…`, land there). Each blueprint
/// version is written once as `blueprint-vN.yaml` and never rewritten, so a plan saved from
/// one version stays valid while other requests read another.
struct StackWorkspace: Sendable {
    let data: ServerData
    let stack: StackID
    let organisation: String

    var directory: String { data.workspace(of: stack, in: organisation) }

    /// The version's file, written if it is not there yet.
    func stage(_ blueprint: BlueprintVersion) throws(ServiceError) -> String {
        let path = directory + "/blueprint-v\(blueprint.version).yaml"
        if FileManager.default.fileExists(atPath: path) { return path }
        do {
            try FileManager.default.createDirectory(atPath: directory + "/runs", withIntermediateDirectories: true)
            let staging = path + ".\(getpid()).new"
            try blueprint.text.write(toFile: staging, atomically: false, encoding: .utf8)
            guard rename(staging, path) == 0 else { throw ServiceError.failed("cannot write \(path)") }
        } catch let error as ServiceError {
            throw error
        } catch {
            throw .failed("cannot stage blueprint version \(blueprint.version) of \(stack): \(error.localizedDescription)")
        }
        return path
    }

    func planFile(of run: String) -> String { directory + "/runs/\(run).plan" }
}

extension TenantService {
    /// The stack's blueprint (the newest version, or the one named) as an input the stack
    /// services take: staged in the workspace, with the stack's variables, on the
    /// organisation's state database.
    func input(for stack: ManagedStack, version: Int? = nil) async throws(ServiceError) -> (input: BlueprintInput, version: BlueprintVersion) {
        let found = try await serviceCall { try await store.blueprint(version: version, of: stack.stack, in: stack.organisation) }
        guard let blueprint = found else {
            throw version.map { .notFound("blueprint version \($0) of `\(stack.reference)` not found") }
                ?? .conflict("`\(stack.reference)` has no blueprint yet; upload one first")
        }
        let path = try StackWorkspace(data: data, stack: stack.stack, organisation: stack.organisation).stage(blueprint)
        // A stack variable this version does not declare is not passed: as in Terraform Cloud,
        // the stack's variables serve every version, and an older one may not know them all.
        let declared = Set(BlueprintLoader().load(text: blueprint.text, path: path).blueprint?.variables.map(\.name) ?? [])
        let variables = try await resolvedVariables(of: stack).filter { declared.contains($0.key) }
        return (BlueprintInput(path: path, variables: variables, state: data.state(of: stack.organisation).databasePath), blueprint)
    }
}
