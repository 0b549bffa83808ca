import DharmaCore
import DharmaProviders
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Which process runs a stack's autopilot: `.dharma/autopilot/STACK.lease` holds its pid and
/// start time. Two autopilots on one stack would both act on every incident, so `dharma up`
/// and `dharma chaos gameday` take the lease and refuse to start while a live process holds
/// it. A lease whose process is gone (killed with -9) is taken over.
public struct SupervisorLease: Sendable {
    public struct Held: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let path: String
    let stack: StackID

    public init(stateDirectory: String, stack: StackID) {
        self.stack = stack
        let name = stack.description.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        path = "\(stateDirectory)/autopilot/\(String(name)).lease"
    }

    private struct Holder: Codable {
        var pid: Int32
        var startTicks: UInt64
        var since: Double
        var command: String
    }

    /// Takes the lease for this process, `command` saying what holds it.
    public func acquire(command: String) throws(Held) {
        let me = Holder(pid: getpid(), startTicks: ProcessTable.info(getpid())?.startTicks ?? 0, since: Date().timeIntervalSince1970, command: command)
        guard let bytes = try? JSONEncoder().encode(me) else { throw Held(description: "cannot write the autopilot lease") }
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        for _ in 0..<2 {
            let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o644)
            if descriptor >= 0 {
                _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                close(descriptor)
                return
            }
            guard errno == EEXIST else { throw Held(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
            if let holder = self.holder(), holder.pid != me.pid {
                throw Held(
                    description: "the autopilot of \(stack) already runs (`dharma \(holder.command)`, pid \(holder.pid), since "
                        + "\(Date(timeIntervalSince1970: holder.since).formatted(.iso8601))); stop it first — two autopilots would both act on every incident")
            }
            // Gone, or ours from before: take it over.
            unlink(path)
        }
        throw Held(description: "another process keeps taking the autopilot lease \(path)")
    }

    /// Gives the lease up, if this process holds it.
    public func release() {
        guard let data = FileManager.default.contents(atPath: path), let holder = try? JSONDecoder().decode(Holder.self, from: data),
            holder.pid == getpid()
        else { return }
        unlink(path)
    }

    /// The live process that holds the lease, if any.
    private func holder() -> Holder? {
        guard let data = FileManager.default.contents(atPath: path), let holder = try? JSONDecoder().decode(Holder.self, from: data),
            let info = ProcessTable.info(holder.pid), !info.isZombie, info.startTicks == holder.startTicks
        else { return nil }
        return holder
    }
}
