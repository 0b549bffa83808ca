import DharmaCore

/// A package and version a blueprint pins: a `compute.service`'s `package` (`ECOSYSTEM/NAME`,
/// e.g. `PyPI/jinja2`, `npm/lodash`, `Go/golang.org/x/net`) and `version`.
public struct PinnedPackage: Sendable, Hashable {
    public var resource: String
    public var ecosystem: String
    public var name: String
    public var version: PackageVersion

    public init(resource: String, ecosystem: String, name: String, version: PackageVersion) {
        self.resource = resource
        self.ecosystem = ecosystem
        self.name = name
        self.version = version
    }

    /// nil when the resource pins no package and version.
    public init?(resource: String, inputs: [String: Value]) {
        guard let package = inputs["package"]?.stringValue, let version = inputs["version"]?.stringValue,
            let slash = package.firstIndex(of: "/")
        else { return nil }
        let ecosystem = String(package[..<slash])
        let name = String(package[package.index(after: slash)...])
        guard !ecosystem.isEmpty, !name.isEmpty, !version.isEmpty else { return nil }
        self.init(resource: resource, ecosystem: ecosystem, name: name, version: PackageVersion(version))
    }

    /// What the feed says about this version: the advisories that affect it, and the lowest
    /// version that fixes all of them and is itself affected by none (nil when there is none).
    public func vulnerabilities(in advisories: [OSVAdvisory]) -> (ids: [String], fix: PackageVersion?) {
        var ids: [String] = []
        var fixes: [PackageVersion] = []
        var unfixable = false
        for advisory in advisories {
            let verdict = advisory.affects(ecosystem: ecosystem, name: name, version: version)
            guard verdict.affected else { continue }
            ids.append(advisory.id)
            if let fixed = verdict.fixed { fixes.append(fixed) } else { unfixable = true }
        }
        guard !ids.isEmpty, !unfixable, let fix = fixes.max() else { return (ids, nil) }
        let stillAffected = advisories.contains { $0.affects(ecosystem: ecosystem, name: name, version: fix).affected }
        return (ids, stillAffected ? nil : fix)
    }
}
