import DharmaService
import DharmaTestKit
import Foundation

/// A blueprint in a scratch directory, with its state beside it, and the service context the
/// tests act as.
struct Workspace {
    let directory: String
    let blueprint: String

    init(_ text: String) throws {
        directory = Scratch.directory("dharma-service")
        blueprint = directory + "/stack.yaml"
        try text.write(toFile: blueprint, atomically: true, encoding: .utf8)
    }

    var input: BlueprintInput { BlueprintInput(path: blueprint) }

    func write(_ text: String, to name: String) throws {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A team rule in `policies/` beside the blueprint.
    func rule(_ id: String, severity: String = "high", kinds: String, assert: String) throws {
        try write(
            """
            rules:
              - id: \(id)
                title: "Team rule"
                severity: \(severity)
                kinds: [\(kinds)]
                assert: '\(assert)'
                description: "What the team allows."
                remediation: "Ask the platform team."
            """, to: "policies/team.yaml")
    }
}

/// A stack of files only: planned and applied in milliseconds, nothing left running.
func fileStack(owner: String? = "team-a", content: String = "hello", extra: String = "") -> String {
    """
    apiVersion: dharma.dev/v3
    kind: Blueprint
    metadata: {name: files\(owner.map { ", owner: \($0)" } ?? "")}
    target: {provider: local, region: local-1}
    \(extra)
    resources:
      note: {type: storage.file, properties: {path: note.txt, content: "\(content)"}}
    """
}

extension ServiceContext {
    /// Someone allowed only `permissions`.
    static func acting(as name: String, may permissions: Set<Permission>) -> ServiceContext {
        ServiceContext(principal: Principal(name: name, authentication: .token, permissions: permissions))
    }
}
