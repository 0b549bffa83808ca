/// Reads, decodes and validates a blueprint file: the front door for every command.
public struct BlueprintLoader: Sendable {
    public var limits: InputLimits

    public init(limits: InputLimits = .standard) {
        self.limits = limits
    }

    public struct Result: Sendable {
        /// Present only when there are no errors.
        public var blueprint: Blueprint?
        public var diagnostics: [Diagnostic]
        public var source: SourceText?

        public var isValid: Bool { blueprint != nil && !diagnostics.hasErrors }
    }

    public func load(path: String) -> Result {
        finish(YAMLLoader(limits: limits).load(path: path), path: path)
    }

    public func load(text: String, path: String) -> Result {
        finish(YAMLLoader(limits: limits).load(text: text, path: path), path: path)
    }

    /// Decodes and validates an already parsed document (the benchmark times the stages apart).
    public func finish(_ loaded: YAMLLoader.Loaded, path: String) -> Result {
        guard let root = loaded.root else {
            return Result(blueprint: nil, diagnostics: loaded.diagnostics, source: loaded.source)
        }
        var decoder = BlueprintDecoder()
        let decoded = decoder.decode(root, path: path)
        var diagnostics = loaded.diagnostics + decoder.diagnostics
        if let decoded {
            diagnostics += BlueprintValidator.validate(decoded, checkProviders: decoder.hasTarget)
        }
        diagnostics.sort { lhs, rhs in
            let l = lhs.location, r = rhs.location
            return (l?.line ?? 0, l?.column ?? 0) < (r?.line ?? 0, r?.column ?? 0)
        }
        return Result(blueprint: diagnostics.hasErrors ? nil : decoded, diagnostics: diagnostics, source: loaded.source)
    }
}
