import DharmaPolicy
import Foundation

extension Benchmarks {
    public struct ScanFigures: Sendable {
        public var resources: Int
        public var findings: Int
        public var rules: Int
        /// Best of the runs of `dharma scan`.
        public var seconds: Double
        /// One run of `checkov -d` over the same tree; nil when checkov is not installed or
        /// was not asked for.
        public var checkovSeconds: Double?
    }

    /// `dharma scan` and `checkov -d` on the same Terraform tree: `directory`, or a synthetic
    /// tree of `resources` resources.
    public static func scan(directory: String?, resources: Int, runs: Int, checkov: Bool) throws -> ScanFigures {
        let tree = try directory ?? syntheticTerraform(resources)
        var best = Double.infinity
        var report: PolicyReport?
        for _ in 0..<max(1, runs) {
            let start = ContinuousClock.now
            report = try PathScan.scan([tree], settings: PolicySettings())
            best = min(best, seconds(ContinuousClock.now - start))
        }
        guard let report else { throw BenchmarkError("no scan ran") }
        var figures = ScanFigures(
            resources: report.resources, findings: report.failures.count, rules: (try? RuleLoader.builtIn().count) ?? 0,
            seconds: best)
        guard checkov else { return figures }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["checkov", "-d", tree, "--quiet", "--compact", "--framework", "terraform", "--skip-download"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let start = ContinuousClock.now
        do { try process.run() } catch { return figures }
        process.waitUntilExit()
        // env exits 127 when it finds no checkov.
        if process.terminationStatus != 127 { figures.checkovSeconds = seconds(ContinuousClock.now - start) }
        return figures
    }

    /// A tree of modules, ten resources per module in five shapes, half of them compliant.
    public static func syntheticTerraform(_ count: Int) throws -> String {
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
                    text +=
                        "resource \"aws_security_group\" \"\(name)\" {\n  ingress {\n    from_port = \(index == 0 ? 22 : 443)\n    to_port = \(index == 0 ? 22 : 443)\n    protocol = \"tcp\"\n    cidr_blocks = local.open\n  }\n}\n"
                case 1:
                    text +=
                        "resource \"aws_s3_bucket\" \"\(name)\" {\n  bucket = \"b-\(name)\"\n}\nresource \"aws_s3_bucket_versioning\" \"\(name)\" {\n  bucket = aws_s3_bucket.\(name).id\n  versioning_configuration { status = \"Enabled\" }\n}\n"
                    written += 1
                case 2:
                    text +=
                        "resource \"aws_db_instance\" \"\(name)\" {\n  engine = \"postgres\"\n  instance_class = \"db.t4g.micro\"\n  storage_encrypted = var.encrypt\n  tags = { owner = \"team\" }\n}\n"
                case 3:
                    text += "resource \"aws_ebs_volume\" \"\(name)\" {\n  availability_zone = \"eu-west-1a\"\n  size = 10\n  encrypted = var.encrypt\n}\n"
                default:
                    text +=
                        "resource \"aws_iam_policy\" \"\(name)\" {\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"s3:*\", Resource = \"*\" }] })\n}\n"
                }
                written += 1
            }
            try text.write(toFile: folder + "/main.tf", atomically: true, encoding: .utf8)
            module += 1
        }
        return root
    }
}
