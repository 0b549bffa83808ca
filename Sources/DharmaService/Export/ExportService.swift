import DharmaCore
import DharmaCost
import DharmaExport
import Foundation

/// Terraform, CloudFormation, Bicep, Pulumi and Kubernetes code from a blueprint.
public struct ExportService: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext = ServiceContext()) {
        self.context = context
    }

    public struct Request: Sendable {
        public var blueprint: BlueprintInput
        public var format: String
        /// Move every resource to this provider.
        public var provider: String?
        /// The region for resources `provider` moves.
        public var region: String?
        /// The directory to write to, created when missing.
        public var directory: String

        public init(blueprint: BlueprintInput, format: String, provider: String? = nil, region: String? = nil, directory: String) {
            self.blueprint = blueprint
            self.format = format
            self.provider = provider
            self.region = region
            self.directory = directory
        }
    }

    public struct Written: Sendable {
        public var format: ExportFormat
        public var directory: String
        public var files: [String]
        public var resources: Int

        public var json: Value {
            .map(["format": .string(format.rawValue), "directory": .string(directory), "files": .list(files.map(Value.string))])
        }
    }

    public func export(_ request: Request) throws(ServiceError) -> Written {
        try context.authorise(.read, "export code")
        guard let format = ExportFormat(name: request.format) else {
            let names = ExportFormat.allCases.map(\.rawValue)
            throw .invalidInput(
                "--format \(request.format): unknown format; choose one of \(names.joined(separator: ", "))"
                    + (Suggestion.hint(for: request.format, in: names).map { " (\($0))" } ?? ""))
        }
        var target: ProviderName?
        if let provider = request.provider {
            guard let name = ProviderName(rawValue: provider.lowercased()), name != .local else {
                let names = ProviderName.allCases.filter { $0 != .local }.map(\.rawValue)
                throw .invalidInput(
                    "--provider \(provider): unknown provider; choose one of \(names.joined(separator: ", "))"
                        + (Suggestion.hint(for: provider, in: names).map { " (\($0))" } ?? ""))
            }
            target = name
            if let region = request.region, let problem = RegionCatalog.problem(region: region, provider: name) {
                throw .invalidInput("--region \(region): \(problem.message)" + (problem.hint.map { " (\($0))" } ?? ""))
            }
        }
        let prepared = try request.blueprint.prepare()
        var options = ExportStack.Options(provider: target, region: request.region)
        options.sizes = Self.pricedSizes(ExportStack(blueprint: prepared.blueprint, variables: prepared.variables, options: options))
        let stack = ExportStack(blueprint: prepared.blueprint, variables: prepared.variables, options: options)
        let files: [GeneratedFile]
        do { files = try format.export(stack) } catch { throw .invalidInput(error.description) }
        for file in files {
            let path = (request.directory as NSString).appendingPathComponent(file.path)
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(file.contents.utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                throw .failed("cannot write \(path): \(error.localizedDescription)")
            }
        }
        return Written(format: format, directory: request.directory, files: files.map(\.path), resources: stack.resources.count)
    }

    /// The instance type `dharma cost` would price for each VM and cluster without one, where
    /// they land; mappings fall back to a general-purpose type where the catalog has no price.
    static func pricedSizes(_ stack: ExportStack) -> [String: String] {
        guard let catalog = try? PriceCatalog.bundled() else { return [:] }
        let estimator = CostEstimator(catalog: catalog)
        var sizes: [String: String] = [:]
        for resource in stack.resources where ["compute.vm", "compute.cluster"].contains(resource.type) {
            let inputs = resource.properties.compactMapValues(\.resolved)
            let cost = estimator.estimate(
                PricedResource(
                    name: resource.name, type: resource.type, provider: resource.provider,
                    region: resource.region, inputs: inputs))
            let names = Set(catalog.prices(for: resource.provider)?.instances.map(\.name) ?? [])
            if let choice = cost.choice?.split(separator: " ").map(String.init).first(where: names.contains) {
                sizes[resource.name] = choice
            }
        }
        return sizes
    }
}
