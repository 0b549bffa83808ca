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
struct MetricsScraper {
    struct Target: Hashable, Sendable {
        var url: URL
        var labels: [String: String]
    }

    struct Round {
        var buffer = SeriesBuffer()
        var failures: [(target: Target, message: String)] = []
    }

    var timeout: Double
    /// Labels added to every sample, over what the target itself says.
    var labels: [String: String] = [:]

    /// Every replica of the stack's services as its recorded state has them, labelled stack,
    /// resource and replica. Read again each round: a restarted replica may have a new port.
    static func targets(of stack: StackID, in store: any Store) async throws -> [Target] {
        let state = try await store.state(of: stack)
        var targets: [Target] = []
        for resource in state.resources.values.sorted(by: { $0.name < $1.name }) where resource.type == "compute.service" {
            for (replica, port) in (resource.outputs["ports"]?.listValue ?? []).enumerated() {
                guard let port = port.intValue, let url = URL(string: "http://127.0.0.1:\(port)/metrics") else { continue }
                targets.append(Target(url: url, labels: ["stack": stack.description, "resource": resource.name, "replica": String(replica)]))
            }
        }
        return targets
    }

    /// One target's answer, or why there was none.
    private struct Answer: Sendable {
        var order: Int
        var target: Target
        var time: Int64
        var body: Result<String, any Error>
    }

    func round(_ targets: [Target]) async -> Round {
        let timeout = self.timeout
        let answers = await withTaskGroup(of: Answer.self) { group in
            for (order, target) in targets.enumerated() {
                group.addTask {
                    let time = Int64(Date().timeIntervalSince1970 * 1000)
                    do { return Answer(order: order, target: target, time: time, body: .success(try await Self.fetch(target.url, timeout: timeout))) } catch {
                        return Answer(order: order, target: target, time: time, body: .failure(error))
                    }
                }
            }
            var answers: [Answer] = []
            for await answer in group { answers.append(answer) }
            return answers.sorted { $0.order < $1.order }
        }
        var round = Round()
        for answer in answers {
            let target = answer.target
            do {
                let (lines, problems) = PrometheusText.parse(try answer.body.get())
                if lines.isEmpty, let problem = problems.first {
                    throw CLIFailure(message: "not Prometheus text (line \(problem.line): \(problem.message))", code: Exit.failure)
                }
                for line in lines {
                    var key = line.key
                    key.labels.merge(target.labels) { _, new in new }
                    key.labels.merge(labels) { _, new in new }
                    key.labels["instance"] = key.labels["instance"] ?? (target.url.host ?? "") + (target.url.port.map { ":\($0)" } ?? "")
                    round.buffer.append(key, Sample(time: line.time ?? answer.time, value: line.value))
                }
            } catch {
                round.failures.append((target, (error as? CLIFailure)?.message ?? error.localizedDescription))
            }
        }
        return round
    }

    static func fetch(_ url: URL, timeout: Double) async throws -> String {
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            throw CLIFailure(message: "HTTP \(http.statusCode)", code: Exit.failure)
        }
        guard data.count <= 16 << 20 else { throw CLIFailure(message: "response over 16 MB", code: Exit.failure) }
        return String(decoding: data, as: UTF8.self)
    }
}
