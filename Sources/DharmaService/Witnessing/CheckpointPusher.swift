import DharmaAudit
import DharmaCore
import DharmaSecurity
import DharmaStore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Pushes each organisation's newest checkpoint to the witnesses it configured, as C2SP
/// tlog-witness says: `old SIZE`, a consistency proof from the size the witness last cosigned,
/// and the checkpoint; a 409 says the witness's real size, and the push is retried once from
/// there. Cosignatures that verify under the witness's registered keys are added to the
/// checkpoint; anything else is dropped. Pushes of one organisation never overlap.
public actor CheckpointPusher {
    public struct Outcome: Sendable, Hashable {
        public var witness: String
        public var cosigned: Bool
        public var size: UInt64
        public var detail: String
    }

    let store: any TenantStore
    let data: ServerData
    let warn: @Sendable (String) -> Void
    private var busy: Set<String> = []
    private var again: Set<String> = []
    private var listener: Task<Void, Never>?

    public init(store: any TenantStore, data: ServerData, warn: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.data = data
        self.warn = warn
    }

    /// Pushes after every run that ends and every entry on an organisation's log.
    public func start(bus: EventBus) async {
        let events = await bus.subscribeAll()
        listener = Task { [weak self] in
            for await event in events where event.kind == .audit || (event.kind == .run && Self.isFinal(event.payload)) {
                await self?.pushSoon(event.organisation)
            }
        }
    }

    static func isFinal(_ payload: Value) -> Bool {
        guard case .map(let fields) = payload, case .string(let state)? = fields["state"], let run = RunState(rawValue: state) else { return false }
        return run.isFinal
    }

    private func pushSoon(_ organisation: String) {
        guard !busy.contains(organisation) else {
            again.insert(organisation)
            return
        }
        busy.insert(organisation)
        Task {
            repeat {
                again.remove(organisation)
                _ = await push(organisation)
            } while again.contains(organisation)
            busy.remove(organisation)
        }
    }

    /// Pushes the newest checkpoint to each witness of the organisation now.
    public func push(_ organisation: String) async -> [Outcome] {
        do {
            let witnesses = try await store.witnesses(of: organisation)
            guard !witnesses.isEmpty else { return [] }
            let location = data.state(of: organisation)
            let log = try location.auditLog(try location.store())
            guard let stored = try await log.store.lastCheckpoint() else { return [] }
            var outcomes: [Outcome] = []
            for witness in witnesses { outcomes.append(await push(stored, of: log, to: witness)) }
            return outcomes
        } catch {
            warn("warning: checkpoints of \(organisation) were not pushed to its witnesses: \(error)")
            return []
        }
    }

    private func push(_ stored: StoredCheckpoint, of log: AuditLog, to witness: LogWitness) async -> Outcome {
        var witness = witness
        var outcome = Outcome(witness: witness.name, cosigned: false, size: stored.size, detail: "")
        do {
            let keys = try witness.keys.map { try NoteVerifier(encoded: $0) }
            guard let url = URL(string: witness.url.hasSuffix("/") ? witness.url + "add-checkpoint" : witness.url + "/add-checkpoint") else {
                throw ServiceError.invalidInput("witness \(witness.name): `\(witness.url)` is not a URL")
            }
            var old = min(witness.cosignedSize, stored.size)
            for _ in 0..<2 {
                let proof = old == 0 || old == stored.size ? [] : try await log.consistencyProof(old: old, new: stored.size)
                let request = AddCheckpoint(oldSize: old, proof: proof, note: stored.note)
                let (status, text) = try await Self.post(request.body, to: url)
                switch status {
                case 200:
                    let lines = text.split(separator: "\n").filter { $0.hasPrefix("— ") }.map { $0 + "\n" }
                    let cosigned = try SignedNote(parsing: stored.note + lines.joined())
                    guard Cosignature.validWitnesses(on: cosigned, among: keys).contains(witness.name) else {
                        throw ServiceError.failed("witness \(witness.name) answered cosignatures that do not verify under its registered keys")
                    }
                    // Only this witness's own lines: a note may already carry other witnesses'.
                    let own = lines.filter { $0.hasPrefix("— \(witness.name) ") }
                    try await log.store.addCosignature(checkpoint: stored.id, lines: own.joined())
                    witness.cosignedSize = stored.size
                    witness.lastError = nil
                    outcome.cosigned = true
                    outcome.detail = "cosigned size \(stored.size)"
                case 409 where UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)).map({ $0 != old && $0 <= stored.size }) == true:
                    old = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                    continue
                default:
                    throw ServiceError.failed("witness \(witness.name) answered \(status): \(text.prefix(300))")
                }
                break
            }
            if !outcome.cosigned, outcome.detail.isEmpty { throw ServiceError.failed("witness \(witness.name) kept answering 409") }
        } catch {
            witness.lastError = "\(error)"
            outcome.detail = "\(error)"
        }
        witness.updatedAt = Date().timeIntervalSince1970
        do {
            try await store.saveWitness(witness)
        } catch {
            warn("warning: witness \(witness.name) of \(witness.organisation) was not updated: \(error)")
        }
        return outcome
    }

    static func post(_ body: String, to url: URL) async throws -> (Int, String) {
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("text/plain; charset=utf-8", forHTTPHeaderField: "Content-Type")
        return try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: ServiceError.failed("\(url.absoluteString): \(error.localizedDescription)"))
                } else {
                    continuation.resume(returning: ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data ?? Data(), as: UTF8.self)))
                }
            }.resume()
        }
    }
}
