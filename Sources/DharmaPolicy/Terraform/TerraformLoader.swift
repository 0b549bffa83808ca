import Foundation

/// Reads the Terraform configurations under a directory (each directory a module, as
/// Terraform sees them) into resources. A file that cannot be parsed is reported and skipped;
/// the rest of the scan goes on.
public struct TerraformLoader: Sendable {
    /// Files larger than this are reported instead of parsed.
    public var maximumFileSize = 8 << 20

    public init() {}

    public struct Result: Sendable {
        public var resources: [ScannedResource] = []
        public var problems: [ScanProblem] = []
        public var files = 0
    }

    /// Every `.tf` file in `directory` and below (skipping `.terraform` and hidden folders),
    /// grouped into modules by folder.
    public func load(directory: String) -> Result {
        var byFolder: [String: [String]] = [:]
        let manager = FileManager.default
        if let walker = manager.enumerator(atPath: directory) {
            while let relative = walker.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix("."), (walker.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory { walker.skipDescendants(); continue }
                guard relative.hasSuffix(".tf") else { continue }
                let path = (directory as NSString).appendingPathComponent(relative)
                byFolder[(path as NSString).deletingLastPathComponent, default: []].append(path)
            }
        }
        var result = Result()
        for folder in byFolder.keys.sorted() {
            let module = loadModule(files: (byFolder[folder] ?? []).sorted())
            result.resources += module.resources
            result.problems += module.problems
            result.files += module.files
        }
        return result
    }

    public func loadModule(files: [String]) -> Result {
        var result = Result()
        var parsed: [HCLFile] = []
        for path in files {
            result.files += 1
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes?[.size] as? Int, size > maximumFileSize {
                result.problems.append(
                    ScanProblem(file: path, line: 1, message: "file is \(size / (1 << 20)) MB, over the \(maximumFileSize >> 20) MB limit; not scanned"))
                continue
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                result.problems.append(ScanProblem(file: path, line: 1, message: "cannot be read"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8), !data.contains(0) else {
                result.problems.append(ScanProblem(file: path, line: 1, message: "is not UTF-8 text; not scanned"))
                continue
            }
            do {
                parsed.append(try HCLParser.parse(text, path: path))
            } catch {
                result.problems.append(ScanProblem(file: path, line: error.line, message: "column \(error.column): \(error.message)"))
            }
        }
        var variables: [String: PolicyValue] = [:]
        var locals: [String: HCLExpression] = [:]
        for file in parsed {
            for block in file.body.blocks where block.type == "locals" {
                for attribute in block.body.attributes { locals[attribute.name] = attribute.expression }
            }
        }
        let constants = TerraformEvaluator(variables: [:], locals: [:])
        for file in parsed {
            for block in file.body.blocks where block.type == "variable" {
                guard let name = block.labels.first else { continue }
                // A variable without a default keeps its identity: two attributes set from the same
                // variable name the same thing, which is how companions are linked by name.
                variables[name] =
                    block.body.attribute("default").map { constants.evaluate($0.expression) }
                    ?? .reference(address: "var.\(name)", attribute: "")
            }
        }
        let evaluator = TerraformEvaluator(variables: variables, locals: locals)
        for file in parsed {
            for block in file.body.blocks where block.type == "resource" && block.labels.count == 2 {
                result.resources += expand(block, file: file.path, evaluator: evaluator)
            }
        }
        return result
    }

    /// One resource per `count` index or `for_each` key.
    func expand(_ block: HCLBlockNode, file: String, evaluator: TerraformEvaluator) -> [ScannedResource] {
        let address = "\(block.labels[0]).\(block.labels[1])"
        func make(_ suffix: String, _ scope: TerraformEvaluator) -> ScannedResource {
            ScannedResource(
                address: address + suffix, type: block.labels[0], file: file, line: block.line,
                attributes: Self.attributes(of: block.body, evaluator: scope))
        }
        if let count = block.body.attribute("count") {
            guard let number = evaluator.evaluate(count.expression).number, number >= 0, number < 10_000 else { return [make("", evaluator)] }
            return (0..<Int(number)).map { make("[\($0)]", evaluator.with(["count": .map(["index": .number(Double($0))])])) }
        }
        if let forEach = block.body.attribute("for_each") {
            let value = evaluator.evaluate(forEach.expression)
            let pairs: [(String, PolicyValue)]
            switch value {
            case .map(let entries): pairs = entries.keys.sorted().map { ($0, entries[$0] ?? .null) }
            case .list(let items): pairs = items.compactMap { item in item.string.map { ($0, item) } }
            default: return [make("", evaluator)]
            }
            return pairs.map { key, item in make("[\"\(key)\"]", evaluator.with(["each": .map(["key": .string(key), "value": item])])) }
        }
        return [make("", evaluator)]
    }

    /// Attributes evaluated; nested blocks (and `dynamic` blocks, expanded) as lists of maps.
    static func attributes(of body: HCLBody, evaluator: TerraformEvaluator) -> [String: PolicyValue] {
        var attributes: [String: PolicyValue] = [:]
        for attribute in body.attributes where attribute.name != "count" && attribute.name != "for_each" {
            attributes[attribute.name] = evaluator.evaluate(attribute.expression)
        }
        for block in body.blocks {
            if block.type == "dynamic", let name = block.labels.first, let content = block.body.blocks.first(where: { $0.type == "content" }) {
                let iterator =
                    block.body.attribute("iterator").flatMap { attribute -> String? in
                        if case .variable(let variable) = attribute.expression { return variable }
                        return nil
                    } ?? name
                guard let forEach = block.body.attribute("for_each") else { continue }
                // When the collection is unknown, the content is read once with an unknown
                // iterator: its literal settings still say what the block would configure.
                let pairs = TerraformEvaluator.pairs(evaluator.evaluate(forEach.expression)) ?? [(.unknown, .unknown)]
                var items = attributes[name]?.list ?? []
                for (key, value) in pairs {
                    let scope = evaluator.with([iterator: .map(["key": key, "value": value])])
                    items.append(.map(Self.attributes(of: content.body, evaluator: scope)))
                }
                attributes[name] = .list(items)
                continue
            }
            var items = attributes[block.type]?.list ?? []
            items.append(.map(Self.attributes(of: block.body, evaluator: evaluator)))
            attributes[block.type] = .list(items)
        }
        return attributes
    }
}
