import DharmaCore
import DharmaService
import Foundation
import Testing

@Suite("Service: what each state version changed")
struct StateVersionDiffTests {
    @Test("a version names what it created, each attribute it changed with old and new value, and what it destroyed")
    func diffs() async throws {
        let workspace = try Workspace(fileStack())
        let selector = StackSelector(file: workspace.blueprint)
        func apply(_ text: String) async throws {
            try text.write(toFile: workspace.blueprint, atomically: true, encoding: .utf8)
            #expect(try await StackService().apply(try await StackService().prepareApply(.init(source: .blueprint(workspace.input)))).ok)
        }
        try await apply(fileStack())
        try await apply(fileStack(content: "edited"))
        _ = try await StackService().apply(try await StackService().prepareDestroy(workspace.input))

        let first = try await StateService().diff(selector, version: 1)
        #expect(first.previous == nil && first.changes.map(\.resource) == ["note"] && first.changes.first?.kind == .added)
        let second = try await StateService().diff(selector, version: 2)
        let content = second.changes.first?.attributes.first { $0.name == "inputs.content" }
        #expect(second.previous == 1 && second.changes.count == 1 && second.changes.first?.kind == .changed)
        #expect(content?.old == .string("hello") && content?.new == .string("edited"), "\(second.changes)")
        let third = try await StateService().diff(selector, version: 3)
        #expect(third.changes.map(\.kind) == [.removed] && third.changes.first?.attributes.isEmpty == true)
        await #expect { try await StateService().diff(selector, version: 9) } throws: { error in
            guard case ServiceError.notFound(let message) = error else { return false }
            return message.contains("no state version 9")
        }
    }
}
