import ArgumentParser
import DharmaCore
import DharmaPolicy
import Foundation

extension BenchCommand {
    struct ScanBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scan",
            abstract: "Time `dharma scan` and `checkov -d` on the same Terraform tree, side by side.",
            discussion: """
                Without DIR, writes a synthetic tree of --resources resources (security groups, buckets with split versioning/encryption resources, databases, volumes, IAM policies) across modules, and scans that.

                Example: dharma bench scan --resources 600
                """)

        @Argument(help: "A Terraform tree to scan (default: a synthetic one).") var directory: String?
        @Option(help: "Resources in the synthetic tree.") var resources = 600
        @Option(help: "Runs of dharma; the best is reported.") var runs = 3
        @Flag(help: "Do not run checkov.") var noCheckov = false

        func run() async throws {
            guard resources >= 10, runs >= 1 else { throw ValidationError("--resources must be at least 10 and --runs at least 1") }
            let tree = try directory ?? Self.synthetic(resources)
            var best = Double.infinity
            var report: PolicyReport?
            for _ in 0..<runs {
                let start = ContinuousClock.now
                report = try ScanCommand.scan([tree], policy: PolicyOptions.parse([]))
                best = min(best, seconds(ContinuousClock.now - start))
            }
            guard let report else { return }
            print(String(format: "dharma scan    %6d resources  %5d findings  %8.1f ms  (best of %d, all %d rules)",
                         report.resources, report.failures.count, best * 1000, runs, (try? RuleLoader.builtIn().count) ?? 0))
            guard !noCheckov else { return }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["checkov", "-d", tree, "--quiet", "--compact", "--framework", "terraform", "--skip-download"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let start = ContinuousClock.now
            do { try process.run() } catch {
                print("checkov        not found on PATH (pip install checkov)")
                return
            }
            process.waitUntilExit()
            let checkov = seconds(ContinuousClock.now - start)
            print(String(format: "checkov -d     %6d resources            %8.1f ms  (one run, all its Terraform checks)", report.resources, checkov * 1000))
            print(String(format: "ratio          %.1f× faster", checkov / max(best, 1e-9)))
        }

        /// A tree of modules, ten resources per module in five shapes, half of them compliant.
        static func synthetic(_ count: Int) throws -> String {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("dharma-bench-scan-\(UUID().uuidString)").path
            var written = 0
            var module = 0
            while written < count {
                let folder = root + "/module\(module)"
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                var text = "variable \"encrypt\" { default = \(module % 2 == 0) }\nlocals { open = [\"0.0.0.0/0\"] }\n"
                for index in 0..<10 where written < count {
                    let name = "r\(module)_\(index)"
                    switch index % 5 {
                    case 0:
                        text += "resource \"aws_security_group\" \"\(name)\" {\n  ingress {\n    from_port = \(index == 0 ? 22 : 443)\n    to_port = \(index == 0 ? 22 : 443)\n    protocol = \"tcp\"\n    cidr_blocks = local.open\n  }\n}\n"
                    case 1:
                        text += "resource \"aws_s3_bucket\" \"\(name)\" {\n  bucket = \"b-\(name)\"\n}\nresource \"aws_s3_bucket_versioning\" \"\(name)\" {\n  bucket = aws_s3_bucket.\(name).id\n  versioning_configuration { status = \"Enabled\" }\n}\n"
                        written += 1
                    case 2:
                        text += "resource \"aws_db_instance\" \"\(name)\" {\n  engine = \"postgres\"\n  instance_class = \"db.t4g.micro\"\n  storage_encrypted = var.encrypt\n  tags = { owner = \"team\" }\n}\n"
                    case 3:
                        text += "resource \"aws_ebs_volume\" \"\(name)\" {\n  availability_zone = \"eu-west-1a\"\n  size = 10\n  encrypted = var.encrypt\n}\n"
                    default:
                        text += "resource \"aws_iam_policy\" \"\(name)\" {\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"s3:*\", Resource = \"*\" }] })\n}\n"
                    }
                    written += 1
                }
                try text.write(toFile: folder + "/main.tf", atomically: true, encoding: .utf8)
                module += 1
            }
            return root
        }
    }
}
