/// The smallest general-purpose instance type of a provider that fits asked vCPUs and memory,
/// for code generation when the blueprint gives no `size`. DharmaCost chooses by price instead.
public enum InstanceSizing {
    /// (name, vCPUs, MiB), smallest first.
    typealias Shape = (String, Double, Int)

    static func smallest(_ shapes: [Shape], cpu: Double, mebibytes: Int) -> String {
        (shapes.first { $0.1 >= cpu && $0.2 >= mebibytes } ?? shapes[shapes.count - 1]).0
    }

    public static func aws(cpu: Double, mebibytes: Int) -> String {
        smallest(
            [
                ("t3.micro", 2, 1024), ("t3.small", 2, 2048), ("t3.medium", 2, 4096), ("m6i.large", 2, 8192),
                ("m6i.xlarge", 4, 16_384), ("m6i.2xlarge", 8, 32_768), ("m6i.4xlarge", 16, 65_536),
                ("m6i.8xlarge", 32, 131_072), ("m6i.16xlarge", 64, 262_144), ("m6i.32xlarge", 128, 524_288),
            ], cpu: cpu, mebibytes: mebibytes)
    }

    public static func azure(cpu: Double, mebibytes: Int) -> String {
        smallest(
            [
                ("Standard_B1s", 1, 1024), ("Standard_B2s", 2, 4096), ("Standard_D2s_v5", 2, 8192), ("Standard_D4s_v5", 4, 16_384),
                ("Standard_D8s_v5", 8, 32_768), ("Standard_D16s_v5", 16, 65_536), ("Standard_D32s_v5", 32, 131_072),
                ("Standard_D64s_v5", 64, 262_144), ("Standard_D96s_v5", 96, 393_216),
            ], cpu: cpu, mebibytes: mebibytes)
    }

    public static func gcp(cpu: Double, mebibytes: Int) -> String {
        smallest(
            [
                ("e2-micro", 2, 1024), ("e2-small", 2, 2048), ("e2-medium", 2, 4096), ("n2-standard-2", 2, 8192),
                ("n2-standard-4", 4, 16_384), ("n2-standard-8", 8, 32_768), ("n2-standard-16", 16, 65_536),
                ("n2-standard-32", 32, 131_072), ("n2-standard-64", 64, 262_144), ("n2-standard-128", 128, 524_288),
            ], cpu: cpu, mebibytes: mebibytes)
    }

    /// Other clouds name sizes by vCPUs and memory; the shape is written out.
    public static func generic(prefix: String, cpu: Double, mebibytes: Int) -> String {
        "\(prefix)\(max(1, Int(cpu.rounded(.up))))x\(max(1, (mebibytes + 1023) / 1024))"
    }
}
