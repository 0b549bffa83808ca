import Foundation

/// One audited action: who did what to which stack and resources, when and why. Its canonical
/// JSON (sorted keys) is the Merkle leaf, so any later edit changes the tree.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var seq: UInt64
    /// ISO 8601, UTC.
    public var time: String
    /// A user (`alice@host`), a service or an agent key id.
    public var actor: String
    /// apply, destroy, drift-repair, approve, remediate, policy-waiver, key-rotate, lock-break, …
    public var action: String
    public var stack: String
    public var resources: [String]
    public var reason: String
    public var planHash: String?
    public var payloadHash: String?
    /// Signed material the entry stands on (an approval's signed note).
    public var evidence: String?

    public init(
        seq: UInt64, time: String, actor: String, action: String, stack: String, resources: [String], reason: String,
        planHash: String? = nil, payloadHash: String? = nil, evidence: String? = nil
    ) {
        self.evidence = evidence
        self.seq = seq
        self.time = time
        self.actor = actor
        self.action = action
        self.stack = stack
        self.resources = resources
        self.reason = reason
        self.planHash = planHash
        self.payloadHash = payloadHash
    }

    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The `seq` field of a canonical body, read without decoding the whole entry (verification
    /// of a million entries reads only this).
    public static func sequenceNumber(in body: String) -> UInt64? {
        var body = body
        return body.withUTF8 { bytes -> UInt64? in
            let key: [UInt8] = Array("\"seq\":".utf8)
            guard bytes.count >= key.count else { return nil }
            var start = 0
            while start + key.count <= bytes.count {
                var matches = true
                for offset in 0..<key.count where bytes[start + offset] != key[offset] {
                    matches = false
                    break
                }
                if matches { break }
                start += 1
            }
            guard start + key.count <= bytes.count else { return nil }
            var value: UInt64 = 0
            var index = start + key.count
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (next, overflow2) = shifted.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                value = next
                index += 1
            }
            return index > start + key.count ? value : nil
        }
    }

    public static func parse(_ body: String) -> AuditEntry? {
        try? JSONDecoder().decode(AuditEntry.self, from: Data(body.utf8))
    }
}

/// What a caller wants to record; the log assigns the sequence number and time.
public struct AuditDraft: Sendable {
    public var actor: String
    public var action: String
    public var stack: String
    public var resources: [String]
    public var reason: String
    public var planHash: String?
    public var payloadHash: String?
    public var evidence: String?

    public init(
        actor: String, action: String, stack: String, resources: [String] = [], reason: String,
        planHash: String? = nil, payloadHash: String? = nil, evidence: String? = nil
    ) {
        self.evidence = evidence
        self.actor = actor
        self.action = action
        self.stack = stack
        self.resources = resources
        self.reason = reason
        self.planHash = planHash
        self.payloadHash = payloadHash
    }
}
