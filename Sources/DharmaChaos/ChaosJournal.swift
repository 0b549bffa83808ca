import DharmaAutopilot
import DharmaNet
import DharmaProviders
import Foundation

/// The faults in place, in `STATE_DIR/chaos/active.json`, and the kill switch
/// `STATE_DIR/chaos/HALT`. Every fault is written here before it is injected and removed
/// after it is undone, so a crash in between leaves a record the next start cleans up.
public struct ChaosJournal: Sendable {
    public var directory: String

    public init(stateDirectory: String) {
        directory = stateDirectory + "/chaos"
    }

    var activePath: String { directory + "/active.json" }
    public var haltPath: String { directory + "/HALT" }

    public var isHalted: Bool { FileManager.default.fileExists(atPath: haltPath) }

    public struct JournalError: Error, CustomStringConvertible {
        public var description: String
    }

    public func active() -> [ActiveFault] {
        guard let data = FileManager.default.contents(atPath: activePath) else { return [] }
        return (try? JSONDecoder().decode([ActiveFault].self, from: data)) ?? []
    }

    func record(_ fault: ActiveFault) throws(JournalError) {
        try write(active().filter { $0.id != fault.id } + [fault])
    }

    func forget(_ id: String) throws(JournalError) {
        try write(active().filter { $0.id != id })
    }

    private func write(_ faults: [ActiveFault]) throws(JournalError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(faults).write(to: URL(fileURLWithPath: activePath), options: .atomic)
        } catch {
            throw JournalError(description: "cannot record the chaos faults in \(activePath): \(error)")
        }
    }

    /// Undoes one fault; idempotent.
    public static func undo(_ fault: ActiveFault) {
        for step in fault.undo {
            switch step {
            case .resume(let pid, let startTicks):
                if ProcessTable.info(pid)?.startTicks == startTicks { kill(pid, SIGCONT) }
            case .deleteFile(let path):
                try? FileManager.default.removeItem(atPath: path)
            case .workloadFault(let port, let name):
                _ = LoopbackHTTP.post(port: port, path: "/fault/\(name)?on=0")
            }
        }
    }

    /// Removes every fault still recorded (left by a run that was killed); returns them.
    @discardableResult
    public func recover() -> [ActiveFault] {
        let leftovers = active()
        for fault in leftovers { Self.undo(fault) }
        if !leftovers.isEmpty { try? FileManager.default.removeItem(atPath: activePath) }
        return leftovers
    }

    /// `dharma chaos halt`: blocks new experiments, makes running ones stop, and removes every
    /// recorded fault now.
    public func halt() throws(JournalError) -> [ActiveFault] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data("halted\n".utf8).write(to: URL(fileURLWithPath: haltPath))
        } catch {
            throw JournalError(description: "cannot set the kill switch \(haltPath): \(error)")
        }
        return recover()
    }

    public func resume() {
        try? FileManager.default.removeItem(atPath: haltPath)
    }
}
