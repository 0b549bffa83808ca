/// One advisory in the OSV schema (https://ossf.github.io/osv-schema/): the parts matching needs.
public struct OSVAdvisory: Sendable, Decodable, Hashable {
    public struct Package: Sendable, Decodable, Hashable {
        public var ecosystem: String
        public var name: String
    }

    public struct Event: Sendable, Decodable, Hashable {
        public var introduced: String?
        public var fixed: String?
        public var lastAffected: String?
        public var limit: String?

        enum CodingKeys: String, CodingKey {
            case introduced, fixed, limit
            case lastAffected = "last_affected"
        }
    }

    public struct Range: Sendable, Decodable, Hashable {
        /// `SEMVER` and `ECOSYSTEM` are matched; `GIT` ranges name commits and are skipped.
        public var type: String
        public var events: [Event]
    }

    public struct Affected: Sendable, Decodable, Hashable {
        public var package: Package?
        public var ranges: [Range]?
        public var versions: [String]?
    }

    public var id: String
    public var summary: String?
    public var aliases: [String]?
    public var affected: [Affected]?
    /// When the advisory was withdrawn; a withdrawn advisory matches nothing.
    public var withdrawn: String?

    /// Whether `version` of `package` is affected, and the version that fixes it (the `fixed`
    /// event closing the range it is in), when the advisory names one.
    public func affects(ecosystem: String, name: String, version: PackageVersion) -> (affected: Bool, fixed: PackageVersion?) {
        guard withdrawn == nil else { return (false, nil) }
        for entry in affected ?? [] {
            guard let package = entry.package, Self.sameEcosystem(package.ecosystem, ecosystem),
                Self.normalised(package.name, ecosystem: ecosystem) == Self.normalised(name, ecosystem: ecosystem)
            else { continue }
            if (entry.versions ?? []).contains(where: { PackageVersion($0) == version }) {
                return (true, fix(in: entry, after: version))
            }
            for range in entry.ranges ?? [] where range.type != "GIT" {
                if let hit = Self.contains(range.events, version) { return (true, hit) }
            }
        }
        return (false, nil)
    }

    /// Walks a range's events in order: `introduced` opens an interval, `fixed` closes it
    /// before the fixed version, `last_affected` after it. Returns the fix when `version` is
    /// inside (`.some(nil)` when the interval has no fix).
    static func contains(_ events: [Event], _ version: PackageVersion) -> PackageVersion?? {
        var start: PackageVersion?
        for event in events {
            if let introduced = event.introduced {
                start = introduced == "0" ? PackageVersion("0") : PackageVersion(introduced)
            } else if let open = start, let fixed = event.fixed.map(PackageVersion.init) {
                if open <= version && version < fixed { return .some(fixed) }
                start = nil
            } else if let open = start, let last = event.lastAffected.map(PackageVersion.init) {
                if open <= version && version <= last { return .some(nil) }
                start = nil
            }
        }
        if let open = start, open <= version { return .some(nil) }
        return nil
    }

    private func fix(in entry: Affected, after version: PackageVersion) -> PackageVersion? {
        (entry.ranges ?? []).flatMap(\.events).compactMap { $0.fixed.map(PackageVersion.init) }.filter { $0 > version }.min()
    }

    static func sameEcosystem(_ a: String, _ b: String) -> Bool {
        // `Debian:12` is the Debian ecosystem of release 12; a blueprint may name either.
        let base = { (text: String) in text.split(separator: ":").first.map { $0.lowercased() } ?? "" }
        return a.lowercased() == b.lowercased() || (base(a) == base(b) && (!a.contains(":") || !b.contains(":")))
    }

    /// PyPI names compare case-insensitively with `-`, `_` and `.` alike (PEP 503).
    static func normalised(_ name: String, ecosystem: String) -> String {
        guard ecosystem.lowercased() == "pypi" else { return name }
        return name.lowercased().replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: ".", with: "-")
    }
}
