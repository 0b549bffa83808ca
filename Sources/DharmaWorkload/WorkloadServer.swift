import DharmaNet
import Foundation

/// `dharma workload`: a small HTTP/1.1 service for examples, tests and chaos experiments.
///
///     GET  /healthz          200 "ok"
///     GET  /work?ms=N        burns CPU for N ms (at most 10 s)
///     POST /fault/NAME       toggles a fault: crash, leak, cpu (half a core), slow, hang, errors (503 for all
///                            but /healthz and /metrics) (?on=1 / ?on=0 sets it)
///     GET  /metrics          Prometheus text: requests, latency histogram, RSS, CPU
///
/// One thread per connection keeps it dependency-free; it serves tests and demos, not traffic.
public final class WorkloadServer: @unchecked Sendable {
    private let state = WorkloadState()
    private let port: Int
    private var listener: Int32 = -1

    public init(port: Int) {
        self.port = port
    }

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Binds the port, then serves until the process ends.
    public func run() throws -> Never {
        try bind()
        print("dharma workload listening on http://127.0.0.1:\(port)")
        fflush(nil)
        startBackgroundFaults()
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { continue }
            Thread.detachNewThread { [self] in
                self.serve(client)
            }
        }
    }

    private func bind() throws {
        do {
            listener = try LoopbackSocket.listen(port: port)
        } catch {
            throw StartError(description: error.description)
        }
    }

    private func startBackgroundFaults() {
        Thread.detachNewThread { [state] in
            while true {
                if state.isOn(.leak) { state.leakOneMegabyte() }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        // Half a core: busy 50 ms, idle 50 ms. Far above any CPU target the autopilot scales on,
        // and two hot replicas still leave a core of a 2-core machine to everything else (a
        // full spin each starved the whole test suite for minutes).
        Thread.detachNewThread { [state] in
            while true {
                if state.isOn(.cpu) {
                    let until = Date().addingTimeInterval(0.05)
                    var spin = 0.0
                    while Date() < until { spin += 1 }
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        while let request = HTTPRequest.read(from: client) {
            let started = Date()
            let response = respond(to: request)
            guard let response else { return }
            state.observe(path: request.route, status: response.status, seconds: Date().timeIntervalSince(started))
            response.write(to: client, keepAlive: request.keepAlive)
            if response.exitAfterSending {
                Thread.sleep(forTimeInterval: 0.05)
                exit(1)
            }
            if !request.keepAlive { return }
        }
    }

    /// nil means "never answer" (the hang fault).
    private func respond(to request: HTTPRequest) -> HTTPResponse? {
        if request.method == "POST", request.path.hasPrefix("/fault/") {
            let name = String(request.path.dropFirst("/fault/".count))
            guard let fault = WorkloadState.Fault(rawValue: name) else {
                return HTTPResponse(
                    status: 404, body: "unknown fault `\(name)`; faults: \(WorkloadState.Fault.allCases.map(\.rawValue).joined(separator: ", "))\n")
            }
            if fault == .crash {
                var response = HTTPResponse(status: 200, body: "crashing\n")
                response.exitAfterSending = true
                return response
            }
            let on: Bool
            switch request.query["on"] {
            case "1", "true": state.set(fault, on: true); on = true
            case "0", "false": state.set(fault, on: false); on = false
            default: on = state.toggle(fault)
            }
            return HTTPResponse(status: 200, body: "\(name) \(on ? "on" : "off")\n")
        }
        if request.path == "/metrics" {
            return HTTPResponse(status: 200, body: state.metrics(), contentType: "text/plain; version=0.0.4")
        }
        if state.isOn(.hang) {
            while state.isOn(.hang) { Thread.sleep(forTimeInterval: 0.1) }
        }
        if state.isOn(.slow) { Thread.sleep(forTimeInterval: 0.5) }
        // The health check still passes: only what clients see fails, which an SLO catches.
        if state.isOn(.errors), request.path != "/healthz" {
            return HTTPResponse(status: 503, body: "unavailable (errors fault)\n")
        }
        switch (request.method, request.path) {
        case ("GET", "/healthz"), ("HEAD", "/healthz"):
            return HTTPResponse(status: 200, body: "ok\n")
        case ("GET", "/work"):
            let milliseconds = min(10_000, max(0, Int(request.query["ms"] ?? "10") ?? 10))
            let until = Date().addingTimeInterval(Double(milliseconds) / 1000)
            var spin = 0.0
            while Date() < until { spin += 1 }
            return HTTPResponse(status: 200, body: "worked \(milliseconds) ms\n")
        case ("GET", "/"):
            return HTTPResponse(status: 200, body: "dharma workload\n")
        default:
            return HTTPResponse(status: 404, body: "not found\n")
        }
    }
}
