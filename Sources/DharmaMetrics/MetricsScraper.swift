import DharmaCore
import DharmaInsight
import DharmaStore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Scrapes Prometheus `/metrics` endpoints. One round asks every target at once; a target that
/// hangs, refuses or answers with something that is not the exposition format is that target's
/// failure only.
public struct MetricsScraper: Sendable {
    public struct Target: Hashable, Sendable {
        public var url: URL
        public var labels: [String: String]

        public init(url: URL, labels: [String: String] = [:]) {
            self.url = url
            self.labels = labels
        }

        /// The `replica` label of a service's proxy, whose series are what its clients saw.
        public static let proxy = "proxy"

        /// The replica a stack target stands for (`web[1]`, `web[proxy]`), else its URL.
        public var name: String {
            guard let resource = labels["resource"], let replica = labels["replica"] else { return url.absoluteString }
            return "\(resource)[\(replica)]"
        }
    }

    /// Why a target gave no samples.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case status(Int)
        case tooLarge
        case notExposition(line: Int, message: String)
        case unreachable(String)

        public var description: String {
            switch self {
            case .status(let code): "HTTP \(code)"
            case .tooLarge: "response over 16 MB"
            case .notExposition(let line, let message): "not Prometheus text (line \(line): \(message))"
            case .unreachable(let message): message
            }
        }
    }

    public struct Round: Sendable {
        public var buffer = SeriesBuffer()
        public var failures: [(target: Target, failure: Failure)] = []
    }

    public var timeout: Double
    /// Labels added to every sample, over what the target itself says.
    public var labels: [String: String]

    public init(timeout: Double, labels: [String: String] = [:]) {
        self.timeout = timeout
        self.labels = labels
    }

    /// Every replica of the stack's services as its recorded state has them, labelled stack,
    /// resource and replica. Read again each round: a restarted replica may have a new port.
    public static func targets(of stack: StackID, in store: any Store) async throws -> [Target] {
        let state = try await store.state(of: stack)
        var targets: [Target] = []
        for resource in state.resources.values.sorted(by: { $0.name < $1.name }) where resource.type == "compute.service" {
            for (replica, port) in (resource.outputs["ports"]?.listValue ?? []).enumerated() {
                guard let port = port.intValue, let url = URL(string: "http://127.0.0.1:\(port)/metrics") else { continue }
                targets.append(Target(url: url, labels: ["stack": stack.description, "resource": resource.name, "replica": String(replica)]))
            }
            // The proxy in front counts what clients see: the source of the service's SLIs.
            if let admin = resource.outputs["proxy"]?.mapValue?["adminPort"]?.intValue, let url = URL(string: "http://127.0.0.1:\(admin)/metrics") {
                targets.append(Target(url: url, labels: ["stack": stack.description, "resource": resource.name, "replica": Target.proxy]))
            }
        }
        return targets
    }

    /// One target's answer, or why there was none.
    private struct Answer: Sendable {
        var order: Int
        var target: Target
        var time: Int64
        var body: Result<String, Failure>
    }

    public func round(_ targets: [Target]) async -> Round {
        let timeout = self.timeout
        let answers = await withTaskGroup(of: Answer.self) { group in
            for (order, target) in targets.enumerated() {
                group.addTask {
                    let time = Int64(Date().timeIntervalSince1970 * 1000)
                    return Answer(order: order, target: target, time: time, body: await Self.fetch(target.url, timeout: timeout))
                }
            }
            var answers: [Answer] = []
            for await answer in group { answers.append(answer) }
            return answers.sorted { $0.order < $1.order }
        }
        var round = Round()
        for answer in answers {
            let target = answer.target
            let text: String
            switch answer.body {
            case .success(let body): text = body
            case .failure(let failure):
                round.failures.append((target, failure))
                continue
            }
            let (lines, problems) = PrometheusText.parse(text)
            if lines.isEmpty, let problem = problems.first {
                round.failures.append((target, .notExposition(line: problem.line, message: problem.message)))
                continue
            }
            for line in lines {
                var key = line.key
                key.labels.merge(target.labels) { _, new in new }
                key.labels.merge(labels) { _, new in new }
                key.labels["instance"] = key.labels["instance"] ?? (target.url.host ?? "") + (target.url.port.map { ":\($0)" } ?? "")
                round.buffer.append(key, Sample(time: line.time ?? answer.time, value: line.value))
            }
        }
        return round
    }

    static func fetch(_ url: URL, timeout: Double) async -> Result<String, Failure> {
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            return .failure(.unreachable(error.localizedDescription))
        }
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) { return .failure(.status(http.statusCode)) }
        guard data.count <= 16 << 20 else { return .failure(.tooLarge) }
        return .success(String(decoding: data, as: UTF8.self))
    }
}
