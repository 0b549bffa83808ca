import DharmaCore

/// One running replica of a `compute.service`, as recorded in its outputs.
struct ServiceInstance: Sendable, Hashable {
    var index: Int
    var pid: Int32
    var port: Int
    var startTicks: UInt64
    var arguments: [String]

    var value: Value {
        .map([
            "index": .int(index), "pid": .int(Int(pid)), "port": .int(port), "start": .string(String(startTicks)),
            "args": .list(arguments.map(Value.string)),
        ])
    }

    init(index: Int, pid: Int32, port: Int, startTicks: UInt64, arguments: [String]) {
        self.index = index
        self.pid = pid
        self.port = port
        self.startTicks = startTicks
        self.arguments = arguments
    }

    init?(_ value: Value) {
        guard let map = value.mapValue, let index = map["index"]?.intValue, let pid = map["pid"]?.intValue,
            let port = map["port"]?.intValue, let start = map["start"]?.stringValue.flatMap({ UInt64($0) }),
            let arguments = map["args"]?.listValue?.compactMap(\.stringValue)
        else { return nil }
        self.init(index: index, pid: Int32(pid), port: port, startTicks: start, arguments: arguments)
    }

    static func all(in outputs: [String: Value]) -> [ServiceInstance] {
        (outputs["instances"]?.listValue ?? []).compactMap(ServiceInstance.init).sorted { $0.index < $1.index }
    }

    /// Whether the recorded process is still the one running.
    var isRunning: Bool {
        ProcessStopper.isSame(pid, startTicks) && ProcessTable.info(pid)?.arguments == arguments
    }

    /// What the resource exposes: replica ports and pids, and its address — the proxy's when
    /// it has one, else the first replica's.
    static func outputs(_ instances: [ServiceInstance], proxy: ServiceProxy? = nil) -> [String: Value] {
        let sorted = instances.sorted { $0.index < $1.index }
        var outputs: [String: Value] = [
            "instances": .list(sorted.map(\.value)),
            "pids": .list(sorted.map { .int(Int($0.pid)) }),
            "ports": .list(sorted.map { .int($0.port) }),
        ]
        if let proxy {
            outputs["proxy"] = proxy.value
            outputs["port"] = .int(proxy.port)
            outputs["url"] = .string("http://127.0.0.1:\(proxy.port)")
        } else if let first = sorted.first {
            outputs["port"] = .int(first.port)
            outputs["url"] = .string("http://127.0.0.1:\(first.port)")
        }
        return outputs
    }
}
