import DharmaCore
import DharmaTestKit
import Foundation
import Testing

@testable import DharmaExport

/// Every provider × format × catalog type, alone and with the resources it usually refers
/// to, generated into one directory per tool; each tool then runs once over the lot (checkov
/// alone takes seconds to start, and the matrix has hundreds of cases).
@Suite(.serialized) struct ExportMatrixTests {
    /// One blueprint of the matrix.
    struct Case {
        var provider: ProviderName
        var type: String
        var withCompanions: Bool

        var label: String { "\(provider.rawValue)-\(type.replacingOccurrences(of: ".", with: "-"))\(withCompanions ? "-with" : "")" }
    }

    /// What the matrix produced: directories per tool, and the blueprints validate refused.
    struct Generated {
        var root: String
        var cases = 0
        var refusedAtValidate: [String] = []
    }

    static let providers = ProviderName.allCases.filter { $0 != .local }

    /// The resources a type usually refers to, as blueprint lines, where the provider has them.
    static func companions(of type: String, on provider: ProviderName, zones: [String]) -> [String: String] {
        let offered = ResourceCatalog.types(offeredBy: provider)
        var lines: [String: String] = [:]
        func add(_ name: String, _ companionType: String, _ properties: String) {
            if offered.contains(companionType) { lines[name] = "{type: \(companionType), properties: \(properties)}" }
        }
        let network = offered.contains("network.vpc")
        let subnetNetwork = network ? "\"${net.id}\"" : "vpc-0123456789abcdef0"
        switch type {
        case "network.subnet", "network.firewall":
            add("net", "network.vpc", "{cidr: 10.0.0.0/16}")
        case "compute.vm", "network.loadbalancer", "database.postgres", "database.mysql", "cache.redis", "compute.cluster":
            add("net", "network.vpc", "{cidr: 10.0.0.0/16}")
            for (index, zone) in zones.prefix(2).enumerated() {
                add("subnet-\(index)", "network.subnet", "{vpc: \(subnetNetwork), cidr: 10.0.\(index + 1).0/24, zone: \(zone)}")
            }
            if type == "network.loadbalancer" {
                add("cert", "security.certificate", "{domains: [shop.example.com]}")
                for index in 0..<min(2, zones.count) {
                    add("vm-\(index)", "compute.vm", "{image: ubuntu-24.04, cpu: 2, memory: 4Gi, subnet: \"${subnet-\(index).id}\"}")
                }
            }
        case "monitoring.alert":
            add("vm-0", "compute.vm", "{image: ubuntu-24.04, cpu: 2, memory: 4Gi}")
        default:
            break
        }
        return lines
    }

    /// The type's own properties, pointed at its companions when they came along.
    static func properties(of type: String, companions: [String: String]) -> String {
        let base = minimalProperties[type] ?? "{}"
        let subnets = companions.keys.filter { $0.hasPrefix("subnet-") }.sorted().map { "\"${\($0).id}\"" }
        let machines = companions.keys.filter { $0.hasPrefix("vm-") }.sorted().map { "\"${\($0).id}\"" }
        switch type {
        case "network.subnet", "network.firewall":
            return companions["net"] == nil ? base.replacingOccurrences(of: "\"${net.id}\"", with: "vpc-0123456789abcdef0") : base
        case "network.loadbalancer":
            return companions.isEmpty
                ? "{port: 443, protocol: https}" : "{port: 443, protocol: https, scheme: internet-facing, targets: [\(machines.joined(separator: ", "))]}"
        case "compute.vm" where !subnets.isEmpty:
            return "{image: ubuntu-24.04, cpu: 2, memory: 4Gi, subnet: \(subnets[0])}"
        case "database.postgres", "database.mysql", "cache.redis":
            return subnets.count < 2 ? base : String(base.dropLast()) + ", subnets: [\(subnets.joined(separator: ", "))]}"
        case "compute.cluster" where !subnets.isEmpty:
            return "{nodes: 3, subnet: \(subnets[0])}"
        case "monitoring.alert" where !machines.isEmpty:
            return "{metric: cpu, threshold: 80, resource: \(machines[0])}"
        default:
            return base
        }
    }

    static func blueprint(for entry: Case) -> String {
        let region = ProviderDefaults.region(for: entry.provider)
        let zones = RegionCatalog.region(region, of: entry.provider)?.zones ?? ["zone-a", "zone-b"]
        let companions = entry.withCompanions ? companions(of: entry.type, on: entry.provider, zones: zones) : [:]
        var lines = companions.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
        lines.append("  subject: {type: \(entry.type), properties: \(properties(of: entry.type, companions: companions))}")
        return """
            apiVersion: dharma.dev/v3
            kind: Blueprint
            metadata: {name: matrix, environment: test, owner: team-infra}
            target: {provider: \(entry.provider.rawValue), region: \(region)}
            resources:
            \(lines.joined(separator: "\n"))

            """
    }

    static let tools: [ExportFormat: String] = [
        .terraform: "terraform", .cloudformation: "cloudformation", .cloudformationJSON: "cloudformation", .bicep: "bicep", .pulumi: "pulumi",
        .kubernetes: "kubernetes",
    ]

    /// Generates the whole matrix once for all the tests of this suite.
    static let generated: Result<Generated, FixtureError> = {
        var generated = Generated(root: scratchDirectory())
        for provider in providers {
            for type in ResourceCatalog.types(offeredBy: provider).sorted() {
                for withCompanions in [false, true] {
                    let entry = Case(provider: provider, type: type, withCompanions: withCompanions)
                    let path = scratchDirectory() + "/blueprint.yaml"
                    do {
                        try blueprint(for: entry).write(toFile: path, atomically: true, encoding: .utf8)
                    } catch {
                        return .failure(FixtureError(description: "\(error)"))
                    }
                    let loaded = BlueprintLoader().load(path: path)
                    guard let loadedBlueprint = loaded.blueprint, !loaded.diagnostics.hasErrors else {
                        generated.refusedAtValidate.append("\(entry.label): \(loaded.diagnostics.map(\.message).joined(separator: "; "))")
                        continue
                    }
                    guard let variables = try? VariableResolver.resolve(loadedBlueprint, environment: nil, overrides: [:]) else { continue }
                    let stack = ExportStack(blueprint: loadedBlueprint, variables: variables)
                    for format in ExportFormat.allCases {
                        // A format that cannot express the case refuses clearly; CatalogAgreementTests checks how.
                        guard let files = try? format.export(stack), let tool = tools[format] else { continue }
                        let directory = "\(generated.root)/\(tool)/\(entry.label)-\(format.rawValue)"
                        do {
                            _ = try write(files, into: directory)
                        } catch {
                            return .failure(FixtureError(description: "\(error)"))
                        }
                        generated.cases += 1
                    }
                }
            }
        }
        return .success(generated)
    }()

    static func matrix() throws -> Generated {
        try generated.get()
    }

    @Test func theMatrixCoversEveryProviderAndFormat() throws {
        let matrix = try Self.matrix()
        for tool in Set(Self.tools.values) {
            let cases = (try? FileManager.default.contentsOfDirectory(atPath: "\(matrix.root)/\(tool)")) ?? []
            #expect(cases.count >= 10, "\(tool): \(cases.count) cases generated")
        }
        #expect(matrix.cases > 500, "cases generated: \(matrix.cases)")
        print("export matrix: \(matrix.cases) outputs, \(matrix.refusedAtValidate.count) blueprints refused at validate")
        // Blueprints validate refuses must say what to add: an ALB alone on AWS lacks subnets and a certificate.
        for refusal in matrix.refusedAtValidate {
            #expect(refusal.contains("`"), "\(refusal)")
        }
        #expect(matrix.refusedAtValidate.contains { $0.hasPrefix("aws-network-loadbalancer:") && $0.contains("subnets") })
    }

    @Test func everyFileParses() async throws {
        let matrix = try Self.matrix()
        let script = """
            import glob, json, sys, hcl2, yaml
            root = sys.argv[1]
            class Loader(yaml.SafeLoader): pass
            Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
            failures, count = [], 0
            for path in sorted(glob.glob(root + "/**/*", recursive=True)):
                try:
                    if path.endswith(".tf"):
                        with open(path) as f: hcl2.load(f)
                    elif path.endswith((".yaml", ".yml")):
                        with open(path) as f: list(yaml.load_all(f, Loader=Loader))
                    elif path.endswith(".json"):
                        with open(path) as f: json.load(f)
                    elif path.endswith(".bicep"):
                        import pathlib
                        from pycep import BicepParser
                        BicepParser().parse(file_path=pathlib.Path(path))
                    else:
                        continue
                    count += 1
                except Exception as error:
                    failures.append(f"{path}: {error}")
            print(count)
            print("\\n".join(failures))
            """
        let result = try await runTool(["python3", "-c", script, matrix.root])
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(result.status == 0, "\(result.output)")
        #expect(lines.count == 1, "files that do not parse:\n\(lines.dropFirst().joined(separator: "\n"))")
        #expect((Int(lines.first ?? "") ?? 0) >= matrix.cases, "files parsed: \(lines.first ?? "none")")
    }

    @Test func cloudFormationDrawsNoErrorFromCfnLint() async throws {
        let matrix = try Self.matrix()
        let templates = try FileManager.default.subpathsOfDirectory(atPath: "\(matrix.root)/cloudformation").filter {
            $0.hasSuffix("template.yaml") || $0.hasSuffix("template.json")
        }
        #expect(templates.count >= 20)
        // cfn-lint's exit status is a bit mask: 2 errors, 4 warnings, 8 informational.
        let result = try await runTool(["cfn-lint", "--format", "parseable"] + templates, in: "\(matrix.root)/cloudformation")
        let errors = result.output.split(separator: "\n").filter { $0.contains(/:E[0-9]{4}:/) }
        #expect(result.status & 3 == 0 && errors.isEmpty, "\(errors.joined(separator: "\n"))")
    }

    @Test func kubernetesManifestsPassKubernetesValidate() async throws {
        let matrix = try Self.matrix()
        let manifests = try FileManager.default.subpathsOfDirectory(atPath: "\(matrix.root)/kubernetes").filter { $0.hasSuffix(".yaml") }
        #expect(manifests.count >= 5)
        let result = try await runTool(["kubernetes-validate", "--strict"] + manifests, in: "\(matrix.root)/kubernetes")
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func checkovFailuresAreThoseTheReadmeExplains() async throws {
        let matrix = try Self.matrix()
        let result = try await runTool(
            ["checkov", "-d", matrix.root, "--framework", "terraform", "cloudformation", "kubernetes", "bicep", "--quiet", "--compact", "-o", "json"],
            keepErrors: false)
        let parsed = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
        let reports = (parsed as? [[String: Any]]) ?? [(parsed as? [String: Any]) ?? [:]]
        var failed: [String: Set<String>] = [:]
        var names: [String: String] = [:]
        var passed = 0
        for report in reports {
            let results = report["results"] as? [String: Any] ?? [:]
            for check in results["failed_checks"] as? [[String: Any]] ?? [] {
                let id = check["check_id"] as? String ?? "?"
                let resource = (check["resource"] as? String ?? "").split(separator: ".").first.map(String.init) ?? ""
                failed[id, default: []].insert(resource)
                names[id] = check["check_name"] as? String
            }
            passed += (report["summary"] as? [String: Any])?["passed"] as? Int ?? 0
        }
        #expect(passed > 1000, "checkov ran its checks over the matrix: \(passed) passed")
        let explained = try Self.checksTheReadmeExplains()
        let unexplained = failed.keys.filter { !explained.contains($0) }.sorted().map {
            "\($0) \(failed[$0, default: []].sorted().joined(separator: ",")): \(names[$0] ?? "")"
        }
        #expect(unexplained.isEmpty, "checkov findings the README does not explain:\n\(unexplained.joined(separator: "\n"))")
    }

    /// The check ids listed under the README's "Accepted checkov findings" heading.
    static func checksTheReadmeExplains() throws -> Set<String> {
        let readme = try String(contentsOfFile: TestPaths.repository + "/README.md", encoding: .utf8)
        guard let start = readme.range(of: "### Accepted checkov findings") else { return [] }
        let section = readme[start.upperBound...].prefix { _ in true }
        let end = section.range(of: "\n## ")?.lowerBound ?? section.endIndex
        let pattern = /`(CKV2?_[A-Z0-9]+_[0-9]+)`/
        return Set(section[..<end].matches(of: pattern).map { String($0.output.1) })
    }
}

/// The blueprint of defect 3, fixed the way validate asks: its CloudFormation now deploys as
/// far as cfn-lint can tell, and its Terraform has what AWS would ask for.
@Suite struct LoadBalancerDeployabilityTests {
    static let yaml = """
        apiVersion: dharma.dev/v3
        kind: Blueprint
        metadata: {name: shop}
        target: {provider: aws, region: us-east-1}
        resources:
          vpc: {type: network.vpc, properties: {cidr: 10.0.0.0/16}}
          app-a: {type: network.subnet, properties: {vpc: "${vpc.id}", cidr: 10.0.1.0/24, zone: us-east-1a}}
          app-b: {type: network.subnet, properties: {vpc: "${vpc.id}", cidr: 10.0.2.0/24, zone: us-east-1b}}
          cert: {type: security.certificate, properties: {domains: [shop.example.com]}}
          web1: {type: compute.vm, properties: {image: ubuntu-24.04, subnet: "${app-a.id}"}}
          web2: {type: compute.vm, properties: {image: ubuntu-24.04, subnet: "${app-b.id}"}}
          lb: {type: network.loadbalancer, properties: {port: 443, protocol: https, targets: ["${web1.id}", "${web2.id}"]}}
        """

    @Test func cloudFormationHasSubnetsVpcAndCertificate() async throws {
        let files = try CloudFormationExporter(encoding: .yaml).export(exportStack(yaml: Self.yaml))
        let directory = try write(files)
        let result = try await runTool(["cfn-lint", "--format", "parseable", directory + "/template.yaml"])
        // No E3680 (subnets in two zones), E3681 (the target group's VpcId), E3676 (the listener's certificate).
        #expect(!result.output.contains(/:E[0-9]{4}:/), "\(result.output)")
        let template = text(files, "template.yaml")
        #expect(template.contains("CertificateArn") && template.contains("TargetType: instance") && template.contains("Ref: Web2"), "\(template)")
    }

    @Test func terraformHasSubnetsVpcCertificateAndAttachments() throws {
        let main = text(try TerraformExporter().export(exportStack(yaml: Self.yaml)), "main.tf")
        #expect(main.contains("subnets                    = [aws_subnet.app-a.id, aws_subnet.app-b.id]"))
        #expect(main.contains("vpc_id      = aws_vpc.vpc.id"))
        #expect(main.contains("certificate_arn   = aws_acm_certificate.cert.arn"))
        #expect(main.contains("resource \"aws_lb_target_group_attachment\" \"lb-web2\"") && main.contains("target_id        = aws_instance.web2.id"))
    }
}
