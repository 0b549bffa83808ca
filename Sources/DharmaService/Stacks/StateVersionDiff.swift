import DharmaCore
import DharmaStore

/// What one state version changed from the one before it: the resources it added, removed or
/// changed, and for a changed one each input and output that differs. Secrets are hidden as
/// `state show` hides them, before anything is compared for display.
public struct StateVersionDiff: Sendable {
    public enum Kind: String, Sendable {
        case added, removed, changed
    }

    public struct Attribute: Sendable {
        /// `inputs.NAME` or `outputs.NAME`.
        public var name: String
        public var old: Value?
        public var new: Value?
    }

    public struct Change: Sendable {
        public var resource: String
        public var type: String
        public var kind: Kind
        public var attributes: [Attribute]
    }

    public var version: Int
    /// The version compared with; nil for the first.
    public var previous: Int?
    public var changes: [Change]

    /// `after` against `before` (empty for a first version), resource by resource in name order.
    public static func between(_ before: StackState?, _ after: StackState) -> [Change] {
        let old = (before?.resources ?? [:]).mapValues(StateService.redacted)
        let new = after.resources.mapValues(StateService.redacted)
        return Set(old.keys).union(new.keys).sorted().compactMap { name in
            switch (old[name], new[name]) {
            case (nil, let added?):
                return Change(resource: name, type: added.type, kind: .added, attributes: attributes(nil, added))
            case (let removed?, nil):
                return Change(resource: name, type: removed.type, kind: .removed, attributes: [])
            case (let was?, let now?):
                let differing = attributes(was, now)
                return differing.isEmpty ? nil : Change(resource: name, type: now.type, kind: .changed, attributes: differing)
            case (nil, nil):
                return nil
            }
        }
    }

    /// The inputs and outputs that differ, in name order; every one of `now`'s without `was`.
    static func attributes(_ was: ResourceState?, _ now: ResourceState) -> [Attribute] {
        var differing: [Attribute] = []
        for (section, old, new) in [("inputs", was?.inputs ?? [:], now.inputs), ("outputs", was?.outputs ?? [:], now.outputs)] {
            for key in Set(old.keys).union(new.keys).sorted() where old[key] != new[key] {
                differing.append(Attribute(name: "\(section).\(key)", old: old[key], new: new[key]))
            }
        }
        return differing
    }
}
