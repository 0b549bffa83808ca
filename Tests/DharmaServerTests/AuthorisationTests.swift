import DharmaAPI
import DharmaClient
import DharmaTestKit
import Foundation
import OpenAPIRuntime
import Testing

/// Every tenant operation, called by each role of the organisation and by an outsider: roles
/// get what they are allowed and 403 for the rest; an outsider gets 404 for everything, as if
/// the organisation did not exist; every refusal is on the server's audit log.
@Suite("Server: roles and tenants", .serialized)
struct AuthorisationTests {
    /// The HTTP status a generated output stands for.
    static func status(_ output: Any) -> Int {
        guard let child = Mirror(reflecting: output).children.first else { return 0 }
        switch child.label {
        case "ok": return 200
        case "created": return 201
        case "noContent": return 204
        case "default": return (child.value as? (statusCode: Int, Components.Responses.Problem))?.statusCode ?? 0
        default: return 0
        }
    }

    struct Operation: Sendable {
        var name: String
        /// Roles that may call it in their organisation.
        var allowed: Set<Components.Schemas.Role>
        var call: @Sendable (Client, Int) async throws -> Any
    }

    static let all: Set<Components.Schemas.Role> = ["viewer", "operator", "approver", "admin"]

    static let operations: [Operation] = [
        Operation(name: "getOrganisation", allowed: all) { api, _ in try await api.getOrganisation(path: .init(org: "acme")) },
        Operation(name: "listMembers", allowed: all) { api, _ in try await api.listMembers(path: .init(org: "acme")) },
        Operation(name: "setMember", allowed: ["admin"]) { api, _ in
            try await api.setMember(path: .init(org: "acme", user: "viewer-user"), body: .json(.init(role: "viewer")))
        },
        Operation(name: "listRoles", allowed: all) { api, _ in try await api.listRoles(path: .init(org: "acme")) },
        Operation(name: "setRole", allowed: ["admin"]) { api, n in
            try await api.setRole(path: .init(org: "acme", role: "r\(n)"), body: .json(.init(permissions: [.read])))
        },
        Operation(name: "listProjects", allowed: all) { api, _ in try await api.listProjects(path: .init(org: "acme")) },
        Operation(name: "createProject", allowed: ["admin"]) { api, n in
            try await api.createProject(path: .init(org: "acme"), body: .json(.init(name: "p\(n)")))
        },
        Operation(name: "getProject", allowed: all) { api, _ in try await api.getProject(path: .init(org: "acme", project: "web")) },
        Operation(name: "listStacks", allowed: all) { api, _ in try await api.listStacks(path: .init(org: "acme")) },
        Operation(name: "createStack", allowed: ["admin"]) { api, n in
            try await api.createStack(path: .init(org: "acme"), body: .json(.init(project: "web", name: "s\(n)", environment: "dev")))
        },
        Operation(name: "getStack", allowed: all) { api, _ in try await api.getStack(path: .init(org: "acme", stack: "shop.dev")) },
        Operation(name: "listBlueprintVersions", allowed: all) { api, _ in try await api.listBlueprintVersions(path: .init(org: "acme", stack: "shop.dev")) },
        Operation(name: "uploadBlueprint", allowed: ["operator", "admin"]) { api, _ in
            try await api.uploadBlueprint(path: .init(org: "acme", stack: "shop.dev"), body: .yaml(.init(fileBlueprint())))
        },
        Operation(name: "getBlueprintVersion", allowed: all) { api, _ in
            try await api.getBlueprintVersion(path: .init(org: "acme", stack: "shop.dev", version: 1))
        },
        Operation(name: "validateBlueprint", allowed: all) { api, _ in
            try await api.validateBlueprint(path: .init(org: "acme"), body: .yaml(.init(fileBlueprint())))
        },
        Operation(name: "listStackRuns", allowed: all) { api, _ in try await api.listStackRuns(path: .init(org: "acme", stack: "shop.dev")) },
        Operation(name: "createRun(plan_only)", allowed: ["operator", "admin"]) { api, _ in
            try await api.createRun(path: .init(org: "acme", stack: "shop.dev"), body: .json(.init(kind: .planOnly)))
        },
        Operation(name: "listStateResources", allowed: all) { api, _ in try await api.listStateResources(path: .init(org: "acme", stack: "shop.dev")) },
        Operation(name: "getStateOutputs", allowed: all) { api, _ in try await api.getStateOutputs(path: .init(org: "acme", stack: "shop.dev")) },
        Operation(name: "listStateVersions", allowed: all) { api, _ in try await api.listStateVersions(path: .init(org: "acme", stack: "shop.dev")) },
        Operation(name: "listAuditEntries", allowed: all) { api, _ in try await api.listAuditEntries(path: .init(org: "acme")) },
        Operation(name: "verifyAuditLog", allowed: all) { api, _ in try await api.verifyAuditLog(path: .init(org: "acme")) },
        Operation(name: "checkDrift", allowed: all) { api, _ in try await api.checkDrift(path: .init(org: "acme", stack: "shop.dev")) },
        Operation(name: "getStackCost", allowed: all) { api, _ in try await api.getStackCost(path: .init(org: "acme", stack: "shop.dev")) },
        Operation(name: "getPlacement", allowed: all) { api, _ in try await api.getPlacement(path: .init(org: "acme", stack: "shop.dev")) },
        Operation(name: "getStackHealth", allowed: all) { api, _ in try await api.getStackHealth(path: .init(org: "acme", stack: "shop.dev")) },
        Operation(name: "listIncidents", allowed: all) { api, _ in try await api.listIncidents(path: .init(org: "acme", stack: "shop.dev")) },
        Operation(name: "getCompliance", allowed: all) { api, _ in
            try await api.getCompliance(path: .init(org: "acme", stack: "shop.dev"), query: .init(framework: "soc2"))
        },
        Operation(name: "exportStack", allowed: all) { api, _ in
            try await api.exportStack(path: .init(org: "acme", stack: "shop.dev"), query: .init(format: .kubernetes))
        },
        Operation(name: "scanCode", allowed: all) { api, _ in
            try await api.scanCode(path: .init(org: "acme"), query: .init(filename: "main.tf"), body: .plainText(.init("")))
        },
        Operation(name: "listVariables", allowed: all) { api, _ in try await api.listVariables(path: .init(org: "acme", stack: "shop.dev")) },
        Operation(name: "setVariable", allowed: ["admin"]) { api, _ in
            try await api.setVariable(path: .init(org: "acme", stack: "shop.dev", name: "region"), body: .json(.init(value: "eu")))
        },
        Operation(name: "listWebhooks", allowed: ["admin"]) { api, _ in try await api.listWebhooks(path: .init(org: "acme", project: "web")) },
        Operation(name: "createWebhook", allowed: ["admin"]) { api, _ in
            try await api.createWebhook(
                path: .init(org: "acme", project: "web"), body: .json(.init(url: "http://127.0.0.1:9/hook", secret: "sixteen-bytes-or-more")))
        },
        Operation(name: "getPolicyEnforcement", allowed: all) { api, _ in try await api.getPolicyEnforcement(path: .init(org: "acme")) },
        Operation(name: "setPolicyEnforcement", allowed: ["admin"]) { api, _ in
            try await api.setPolicyEnforcement(path: .init(org: "acme"), body: .json(.init(defaultLevel: .hardMandatory)))
        },
        Operation(name: "queryMetrics", allowed: all) { api, _ in try await api.queryMetrics(path: .init(org: "acme"), query: .init(query: "up")) },
        Operation(name: "listWitnesses", allowed: all) { api, _ in try await api.listWitnesses(path: .init(org: "acme")) },
        Operation(name: "collectCosignatures", allowed: ["admin"]) { api, _ in try await api.collectCosignatures(path: .init(org: "acme")) },
        Operation(name: "getAuditCheckpoint", allowed: all) { api, _ in try await api.getAuditCheckpoint(path: .init(org: "acme")) },
        Operation(name: "getEvidenceBundle", allowed: all) { api, _ in try await api.getEvidenceBundle(path: .init(org: "acme")) },
        Operation(name: "listUsers (server administrators only)", allowed: []) { api, _ in try await api.listUsers() },
        Operation(name: "createOrganisation (server administrators only)", allowed: []) { api, n in
            try await api.createOrganisation(body: .json(.init(name: "o\(n)")))
        },
    ]

    @Test("each operation × role × own organisation or another's: allowed, 403, or 404 across tenants; refusals are audited")
    func matrix() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        var counter = 0
        var mismatches: [String] = []
        var denied = 0
        for (user, role) in Self.all.map({ ("\($0)-user", Optional($0)) }) + [("outsider", nil)] {
            try await server.withClient(token: tenants.tokens[user]) { client in
                for operation in Self.operations {
                    counter += 1
                    let status = Self.status(try await operation.call(client.api, counter))
                    let expected: Int
                    if let role, operation.allowed.contains(role) {
                        expected = 200
                    } else if role == nil, !operation.name.contains("server administrators") {
                        expected = 404
                    } else {
                        expected = 403
                    }
                    let ok = expected == 200 ? (200..<300).contains(status) : status == expected
                    if !ok { mismatches.append("\(user) \(operation.name): \(status), expected \(expected)") }
                    if expected != 200 { denied += 1 }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        #expect(counter == Self.operations.count * 5)

        // Every refusal is an entry on the server's own audit log, naming actor and reason.
        let log = try await runDharma(["audit", "log", "--state", server.data + "/server/dharma.db", "--json"])
        let entries = (try JSONSerialization.jsonObject(with: Data(log.utf8)) as? [[String: Any]]) ?? []
        let denials = entries.filter { $0["action"] as? String == "denied" }
        #expect(denials.count == denied, "\(denials.count) denials recorded, \(denied) refused")
        #expect(denials.contains { $0["actor"] as? String == "outsider" && ($0["reason"] as? String ?? "").contains("not a member") })
        #expect(denials.contains { $0["actor"] as? String == "viewer-user" && ($0["reason"] as? String ?? "").contains("lacks the plan permission") })
    }

    @Test("an outsider cannot tell an organisation that exists from one that does not")
    func existenceIsNotRevealed() async throws {
        let server = try await ServerProcess()
        defer { server.kill() }
        let tenants = try await Tenants.make(on: server, blueprint: fileBlueprint())
        let token = try #require(tenants.tokens["outsider"])
        let existing = try await RawHTTP.send(.GET, server.url + "/v1/orgs/acme/stacks/shop.dev", ca: server.ca, token: token)
        let missing = try await RawHTTP.send(.GET, server.url + "/v1/orgs/nowhere/stacks/shop.dev", ca: server.ca, token: token)
        #expect(existing.status == 404 && missing.status == 404)
        let normalise = { (text: String) in text.replacingOccurrences(of: "acme", with: "X").replacingOccurrences(of: "nowhere", with: "X") }
        #expect(normalise(existing.body) == normalise(missing.body), "\(existing.body)\n\(missing.body)")
        #expect(!existing.body.contains("shop"))
        let organisations = try await RawHTTP.send(.GET, server.url + "/v1/orgs", ca: server.ca, token: token)
        #expect(organisations.body.contains("globex") && !organisations.body.contains("acme"))
    }
}

/// Runs the built `dharma` and returns its standard output; a failure says what it printed.
func runDharma(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) async throws -> String {
    let result = try await runDharmaStatus(arguments, environment: environment, input: input)
    guard result.status == 0 else {
        throw ServerTestError("dharma \(arguments.joined(separator: " ")) exited \(result.status):\n\(result.stdout)\n\(result.stderr)")
    }
    return result.stdout
}

/// Runs the CLI to its end without holding one of Swift concurrency's few threads while it
/// runs (`apply --remote` follows a run for many seconds): on two cores, two blocked threads
/// stall every other test's requests until the servers' idle timeout closes their connections.
func runDharmaStatus(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) async throws -> (
    status: Int32, stdout: String, stderr: String
) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestPaths.dharma)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let outputPath = Scratch.path("dharma-output", suffix: ".log"), errorsPath = Scratch.path("dharma-errors", suffix: ".log")
    for path in [outputPath, errorsPath] { FileManager.default.createFile(atPath: path, contents: nil) }
    process.standardOutput = FileHandle(forWritingAtPath: outputPath)
    process.standardError = FileHandle(forWritingAtPath: errorsPath)
    let stdin = Pipe()
    process.standardInput = stdin
    // The input (a password, a line or two) fits the pipe's buffer before the program starts.
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try? stdin.fileHandleForWriting.close()
    try await process.startAndWait()
    let stdout = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    let stderr = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
    return (process.terminationStatus, stdout, stderr)
}
