import Foundation

/// The workload's counters and fault switches, shared by connection threads.
final class WorkloadState: @unchecked Sendable {
    enum Fault: String, CaseIterable {
        case crash, leak, cpu, slow, hang, errors
    }

    static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private let lock = NSLock()
    private var faults: Set<Fault> = []
    private var requests: [String: Int] = [:]
    private var bucketCounts = [Int](repeating: 0, count: WorkloadState.latencyBuckets.count)
    private var latencySum = 0.0
    private var latencyCount = 0
    /// Memory held on purpose while the leak fault is on.
    private var leaked: [[UInt8]] = []

    func isOn(_ fault: Fault) -> Bool {
        lock.withLock { faults.contains(fault) }
    }

    func set(_ fault: Fault, on: Bool) {
        lock.withLock {
            if on { faults.insert(fault) } else { faults.remove(fault) }
        }
    }

    /// Flips a fault; returns whether it is now on.
    func toggle(_ fault: Fault) -> Bool {
        lock.withLock {
            if faults.remove(fault) == nil { faults.insert(fault); return true }
            return false
        }
    }

    func leakOneMegabyte() {
        var block = [UInt8](repeating: 0, count: 1 << 20)
        for index in stride(from: 0, to: block.count, by: 4096) { block[index] = 1 }  // touch pages so RSS grows
        lock.withLock { leaked.append(block) }
    }

    func observe(path: String, status: Int, seconds: Double) {
        lock.withLock {
            requests["\(path)|\(status)", default: 0] += 1
            latencySum += seconds
            latencyCount += 1
            for (index, bound) in Self.latencyBuckets.enumerated() where seconds <= bound { bucketCounts[index] += 1 }
        }
    }

    /// Prometheus text exposition format 0.0.4.
    func metrics() -> String {
        lock.withLock {
            var out = "# HELP dharma_workload_requests_total HTTP requests served.\n# TYPE dharma_workload_requests_total counter\n"
            for (key, count) in requests.sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: "|", maxSplits: 1)
                out += "dharma_workload_requests_total{path=\"\(parts.first ?? "")\",code=\"\(parts.count > 1 ? parts[1] : "")\"} \(count)\n"
            }
            out += "# HELP dharma_workload_request_duration_seconds Request latency.\n# TYPE dharma_workload_request_duration_seconds histogram\n"
            for (index, bound) in Self.latencyBuckets.enumerated() {
                out += "dharma_workload_request_duration_seconds_bucket{le=\"\(bound)\"} \(bucketCounts[index])\n"
            }
            out += "dharma_workload_request_duration_seconds_bucket{le=\"+Inf\"} \(latencyCount)\n"
            out += "dharma_workload_request_duration_seconds_sum \(latencySum)\n"
            out += "dharma_workload_request_duration_seconds_count \(latencyCount)\n"
            out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\n"
            out += "process_resident_memory_bytes \(ProcessStats.residentBytes())\n"
            out += "# HELP process_cpu_seconds_total User and system CPU time spent in seconds.\n# TYPE process_cpu_seconds_total counter\n"
            out += "process_cpu_seconds_total \(ProcessStats.cpuSeconds())\n"
            out += "# HELP dharma_workload_fault Whether a fault is switched on.\n# TYPE dharma_workload_fault gauge\n"
            for fault in Fault.allCases {
                out += "dharma_workload_fault{fault=\"\(fault.rawValue)\"} \(faults.contains(fault) ? 1 : 0)\n"
            }
            return out
        }
    }
}

enum ProcessStats {
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}
