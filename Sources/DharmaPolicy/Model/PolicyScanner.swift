import Foundation

/// Finds and reads what a scan covers: Terraform modules and CloudFormation templates under
/// a directory, or single files.
public struct PolicyScanner: Sendable {
    public init() {}

    public struct Result: Sendable {
        public var resources: [PolicyResource] = []
        public var problems: [ScanProblem] = []
        public var files = 0
    }

    static let templateExtensions = ["yaml", "yml", "json", "template"]

    public func scan(_ paths: [String]) -> Result {
        var result = Result()
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                result.problems.append(ScanProblem(file: path, line: 0, message: "no such file or directory"))
                continue
            }
            if isDirectory.boolValue {
                let terraform = TerraformLoader().load(directory: path)
                result.resources += TerraformAdapter.model(terraform.resources)
                result.problems += terraform.problems
                result.files += terraform.files
                for template in templates(under: path) { add(CloudFormationLoader().load(path: template), to: &result) }
            } else if path.hasSuffix(".tf") {
                let terraform = TerraformLoader().loadModule(files: [path])
                result.resources += TerraformAdapter.model(terraform.resources)
                result.problems += terraform.problems
                result.files += terraform.files
            } else {
                add(CloudFormationLoader().load(path: path), to: &result)
            }
        }
        return result
    }

    private func add(_ loaded: TerraformLoader.Result, to result: inout Result) {
        result.resources += CloudFormationAdapter.model(loaded.resources)
        result.problems += loaded.problems
        result.files += loaded.files
    }

    /// YAML/JSON files under `directory` that look like CloudFormation templates.
    func templates(under directory: String) -> [String] {
        var found: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix("."), (walker.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory { walker.skipDescendants(); continue }
            guard Self.templateExtensions.contains((name as NSString).pathExtension.lowercased()) else { continue }
            let path = (directory as NSString).appendingPathComponent(relative)
            guard let size = walker.fileAttributes?[.size] as? Int, size < 8 << 20,
                let head = FileManager.default.contents(atPath: path).map({ String(decoding: $0.prefix(65_536), as: UTF8.self) }),
                CloudFormationLoader.isTemplate(head)
            else { continue }
            found.append(path)
        }
        return found.sorted()
    }
}
