import DharmaCore
import DharmaService
import Foundation
import Testing

@Suite("Service: saved plans")
struct SavedPlanTests {
    @Test("a plan file of another format version is refused, saying which version it is and what to do")
    func otherVersion() async throws {
        let workspace = try Workspace(fileStack())
        let path = workspace.directory + "/saved.plan"
        _ = try await StackService().plan(.init(blueprint: workspace.input, saveTo: path))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"formatVersion\" : \(Plan.formatVersion)", with: "\"formatVersion\" : 99")
            .write(toFile: path, atomically: true, encoding: .utf8)
        await #expect { try await StackService().prepareApply(.init(source: .savedPlan(path: path, state: nil))) } throws: { error in
            guard case ServiceError.invalidInput(let message, _, _, _) = error else { return false }
            return message.contains("saved in plan format 99") && message.contains("this Dharma reads format \(Plan.formatVersion)")
                && message.contains("make the plan again")
        }
        try "{\"plan\": {}}".write(toFile: path, atomically: true, encoding: .utf8)
        await #expect { try await StackService().prepareApply(.init(source: .savedPlan(path: path, state: nil))) } throws: { error in
            "\(error)".contains("is not a plan saved by `dharma plan --out` (it names no plan format version)")
        }
    }

    @Test("a saved plan applies exactly; one whose blueprint changed since is refused as stale")
    func staleBlueprint() async throws {
        let workspace = try Workspace(fileStack())
        let path = workspace.directory + "/saved.plan"
        _ = try await StackService().plan(.init(blueprint: workspace.input, saveTo: path))
        try fileStack(content: "edited").write(toFile: workspace.blueprint, atomically: true, encoding: .utf8)
        await #expect { try await StackService().prepareApply(.init(source: .savedPlan(path: path, state: nil))) } throws: { error in
            guard case ServiceError.stalePlan(let message) = error else { return false }
            return message.contains("changed since it was made")
        }
        try fileStack().write(toFile: workspace.blueprint, atomically: true, encoding: .utf8)
        let pending = try await StackService().prepareApply(.init(source: .savedPlan(path: path, state: nil)))
        #expect(try await StackService().apply(pending).ok)
        #expect(try String(contentsOfFile: workspace.directory + "/note.txt", encoding: .utf8) == "hello")
    }
}
