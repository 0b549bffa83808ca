import DharmaAudit
import DharmaSecurity
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `dharma witness serve --listen`: a C2SP tlog-witness over HTTP. Logs POST
/// `/add-checkpoint`; the witness checks the checkpoint against the log keys it was given and
/// the last checkpoint it cosigned for that origin, and answers with its cosignatures (Ed25519
/// as C2SP's `cosignature/v1`, and ML-DSA-65) or the protocol's status for the refusal.
public struct WitnessServer: Sendable {
    /// Serialises requests: checking the old size and recording the new checkpoint are one step.
    actor Ledger {
        let witness: Witness
        let logKeys: [NoteVerifier]
        let origins: Set<String>?

        init(witness: Witness, logKeys: [NoteVerifier], origins: Set<String>?) {
            self.witness = witness
            self.logKeys = logKeys
            self.origins = origins
        }

        func add(_ request: AddCheckpoint) throws -> AddCheckpoint.Answer {
            try witness.add(request, logKeys: logKeys, origins: origins)
        }
    }

    let ledger: Ledger
    let host: String
    let port: Int

    public init(witness: Witness, logKeys: [NoteVerifier], origins: Set<String>?, host: String, port: Int) {
        self.ledger = Ledger(witness: witness, logKeys: logKeys, origins: origins)
        self.host = host
        self.port = port
    }

    /// Serves until the process is asked to stop; `started` gets the bound port.
    public func run(logger: Logger, started: @escaping @Sendable (Int) -> Void) async throws {
        let router = Router()
        router.post("add-checkpoint") { [ledger] request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 * 1024)
            let answer: AddCheckpoint.Answer
            do {
                answer = try await ledger.add(try AddCheckpoint(parsing: String(buffer: body)))
            } catch let malformed as AddCheckpoint.Malformed {
                answer = .badRequest(malformed.description)
            }
            switch answer {
            case .cosigned(let lines):
                return Self.response(.ok, lines.joined())
            case .conflict(let latest, _):
                return Self.response(.conflict, "\(latest)\n", contentType: "text/x.tlog.size")
            case .unknownOrigin(let why), .notSigned(let why), .badRequest(let why), .inconsistent(let why):
                return Self.response(.init(code: answer.status), why + "\n")
            }
        }
        router.get("healthz") { _, _ in "ok\n" }
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "dharma-witness"),
            onServerRunning: { channel in started(channel.localAddress?.port ?? port) }, logger: logger)
        try await app.runService()
    }

    static func response(_ status: HTTPResponse.Status, _ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
