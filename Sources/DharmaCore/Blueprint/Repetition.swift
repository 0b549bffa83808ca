/// How a resource stands for several: `count: 3` makes `app[0]`, `app[1]`, `app[2]`
/// (`${self.index}` in each); `forEach: [eu, us]` makes `app["eu"]`, `app["us"]`, and over a map
/// `{eu: eu-west-1}` each copy has `${self.key}` and `${self.value}`. Either may be a variable
/// (`count: ${var.workers}`). Copies are made when the blueprint is prepared, with its variables.
public enum Repetition: Sendable {
    case count(YNode)
    case forEach(YNode)

    public var node: YNode {
        switch self {
        case .count(let node), .forEach(let node): node
        }
    }

    /// The `self.` attributes a copy has: `index` with count, `key` and `value` with forEach.
    public var selfAttributes: [String] {
        switch self {
        case .count: ["index"]
        case .forEach: ["key", "value"]
        }
    }
}
