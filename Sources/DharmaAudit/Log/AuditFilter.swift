/// Which entries a listing shows. Matched against each entry's signed body, never the columns
/// stored beside it: an edited column can neither hide an entry nor show it under someone else.
public struct AuditFilter: Sendable, Hashable {
    /// `NAME/ENVIRONMENT`; a bare `NAME` means its `default` environment.
    public var stack: String?
    public var actor: String?
    /// Seconds since 1970.
    public var since: Double?

    public init(stack: String? = nil, actor: String? = nil, since: Double? = nil) {
        self.stack = stack
        self.actor = actor
        self.since = since
    }

    func matches(body: String) -> Bool {
        if let stack {
            let signed = AuditBodyFields.string("stack", in: body)
            guard signed == stack || signed == "\(stack)/default" else { return false }
        }
        if let actor, AuditBodyFields.string("actor", in: body) != actor { return false }
        if let since, (AuditBodyFields.time(in: body) ?? -.infinity) < since.rounded(.down) { return false }
        return true
    }
}

extension AuditLog {
    /// The entries the filter selects, oldest first.
    public func entries(matching filter: AuditFilter) async throws -> [AuditEntry] {
        var entries: [AuditEntry] = []
        try await store.forEachAuditEntry(from: 0, to: .max) { record in
            guard filter.matches(body: record.body), let entry = AuditEntry.parse(record.body) else { return }
            entries.append(entry)
        }
        return entries
    }
}
