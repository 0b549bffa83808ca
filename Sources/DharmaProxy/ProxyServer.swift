import DharmaNet
import Foundation

/// `dharma proxy`: the load balancer the local runtime puts in front of a multi-replica
/// `compute.service`. HTTP/1.1, one upstream connection per request, so that:
///
/// - a request goes to a healthy primary backend, round robin; to a backup only while no
///   primary is healthy (failover), and back once one is (failback);
/// - a backend that refuses the connection, or dies before answering an idempotent request,
///   is skipped and the request tried on the next one — clients see no error;
/// - a draining backend gets no new requests while its in-flight ones finish;
/// - chaos experiments can add latency to every request.
///
/// Backends come from a JSON file (`ProxyConfig`) the proxy re-reads when it changes; health
/// checks run every `healthInterval`. The admin port serves `GET /status` (JSON) and
/// `GET /metrics` (Prometheus). One thread per connection keeps it dependency-free.
public final class ProxyServer: @unchecked Sendable {
    let port: Int
    let adminPort: Int
    let configPath: String
    let pool: BackendPool
    /// The backends file's modification time when it was loaded: the watcher starts from it,
    /// so a change written between the load and the watcher's start is not missed.
    private let loadedVersion: Double?

    /// How long a backend may take to answer before the request is tried elsewhere.
    static let answerTimeout = 15.0

    public init(port: Int, adminPort: Int, configPath: String) throws {
        self.port = port
        self.adminPort = adminPort
        self.configPath = configPath
        loadedVersion = Self.modificationTime(configPath)
        pool = BackendPool(try ProxyConfig.load(configPath))
    }

    public func run() throws -> Never {
        let listener = try LoopbackSocket.listen(port: port, backlog: 512)
        let admin = try LoopbackSocket.listen(port: adminPort)
        print("dharma proxy listening on http://127.0.0.1:\(port) (admin on \(adminPort)), \(pool.current.backends.count) backends from \(configPath)")
        fflush(nil)
        Thread.detachNewThread { [self] in watchConfig() }
        Thread.detachNewThread { [self] in checkHealth() }
        Thread.detachNewThread { [self] in serveAdmin(admin) }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { continue }
            Thread.detachNewThread { [self] in forward(client) }
        }
    }

    private func forward(_ client: Int32) {
        defer { close(client) }
        LoopbackSocket.setTimeout(client, seconds: 30)
        let started = Date()
        let request: ForwardedRequest
        switch Result(catching: { () throws(ForwardedRequest.ReadError) in try ForwardedRequest.read { LoopbackSocket.receive(client) } }) {
        case .success(let read):
            request = read
        case .failure(.incomplete):
            return
        case .failure(.unsupported(let status, let reason)):
            Self.respond(client, status: status, body: "dharma proxy does not forward \(reason)\n")
            return
        }
        let latency = pool.current.latencyMilliseconds + pool.injectedLatency
        if latency > 0 { Thread.sleep(forTimeInterval: Double(latency) / 1000) }
        var tried: Set<Int> = []
        while let backend = pool.choose(excluding: tried) {
            tried.insert(backend.port)
            guard let upstream = LoopbackSocket.connect(port: backend.port, timeout: 2) else {
                pool.setHealth(port: backend.port, healthy: false)
                continue
            }
            LoopbackSocket.setTimeout(upstream, seconds: Self.answerTimeout)
            pool.begin(port: backend.port)
            let outcome = relay(request, from: upstream, to: client)
            close(upstream)
            switch outcome {
            case .answered(let status):
                pool.end(port: backend.port, failed: status >= 500)
                pool.record(status: status, seconds: Date().timeIntervalSince(started))
                return
            case .clientGone:
                pool.end(port: backend.port, failed: false)
                return
            case .noAnswer:
                pool.end(port: backend.port, failed: true)
                pool.setHealth(port: backend.port, healthy: false)
                guard request.isIdempotent else {
                    Self.respond(client, status: 502, body: "the backend on port \(backend.port) closed without answering\n")
                    pool.record(status: 502, seconds: Date().timeIntervalSince(started))
                    return
                }
            }
        }
        Self.respond(client, status: 503, body: "no backend is available\n")
        pool.record(status: 503, seconds: Date().timeIntervalSince(started))
    }

    private enum Relay {
        case answered(status: Int)
        /// Nothing came back: the request may be tried on another backend.
        case noAnswer
        case clientGone
    }

    private func relay(_ request: ForwardedRequest, from upstream: Int32, to client: Int32) -> Relay {
        guard LoopbackSocket.sendAll(upstream, request.head + request.body) else { return .noAnswer }
        var status: Int?
        while let chunk = LoopbackSocket.receive(upstream) {
            if status == nil {
                let line = String(decoding: chunk.prefix(32), as: UTF8.self).split(separator: " ")
                status = line.count >= 2 ? Int(line[1]) ?? 502 : 502
            }
            guard LoopbackSocket.sendAll(client, chunk) else { return .clientGone }
        }
        return status.map(Relay.answered) ?? .noAnswer
    }

    /// Polls the backends file and the chaos file beside it (`ProxyFaults.path(for:)`).
    private func watchConfig() {
        let chaosPath = ProxyFaults.path(for: configPath)
        var seen = loadedVersion
        var seenChaos: Double?
        while true {
            let now = Self.modificationTime(configPath)
            if now != seen {
                seen = now
                do {
                    pool.replace(try ProxyConfig.load(configPath))
                } catch {
                    FileHandle.standardError.write(Data("dharma proxy: keeping the previous backends; \(error)\n".utf8))
                }
            }
            let chaos = Self.modificationTime(chaosPath)
            if chaos != seenChaos {
                seenChaos = chaos
                pool.injectedLatency = chaos == nil ? 0 : ProxyFaults.load(chaosPath)?.latencyMilliseconds ?? 0
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    private static func modificationTime(_ path: String) -> Double? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date)?.timeIntervalSince1970
    }

    private func checkHealth() {
        while true {
            let config = pool.current
            for backend in config.backends {
                let healthy =
                    config.healthPath.map { path in
                        ReadinessProbe.httpStatus(port: backend.port, path: path, timeout: 1).map { (200..<400).contains($0) } ?? false
                    } ?? ReadinessProbe.tcpAccepts(port: backend.port, timeout: 1)
                pool.setHealth(port: backend.port, healthy: healthy)
            }
            Thread.sleep(forTimeInterval: min(max(config.healthInterval, 0.1), 10))
        }
    }

    private func serveAdmin(_ listener: Int32) {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { continue }
            LoopbackSocket.setTimeout(client, seconds: 5)
            let request = try? ForwardedRequest.read { LoopbackSocket.receive(client) }
            let target = request.map { String(decoding: $0.head.prefix(64), as: UTF8.self).split(separator: " ").dropFirst().first ?? "" } ?? ""
            switch target {
            case "/status":
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                let body = (try? encoder.encode(pool.status())).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                Self.respond(client, status: 200, body: body, contentType: "application/json")
            case "/metrics":
                Self.respond(client, status: 200, body: pool.metrics(), contentType: "text/plain; version=0.0.4")
            default:
                Self.respond(client, status: 404, body: "the admin port serves /status and /metrics\n")
            }
            close(client)
        }
    }

    static func respond(_ socket: Int32, status: Int, body: String, contentType: String = "text/plain; charset=utf-8") {
        let reasons = [200: "OK", 400: "Bad Request", 404: "Not Found", 411: "Length Required", 502: "Bad Gateway", 503: "Service Unavailable"]
        let bytes = Array(body.utf8)
        let head =
            "HTTP/1.1 \(status) \(reasons[status] ?? "Status")\r\nContent-Type: \(contentType)\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n\r\n"
        LoopbackSocket.sendAll(socket, Array(head.utf8) + bytes)
    }
}
