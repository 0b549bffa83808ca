import DharmaService
import DharmaStore
import Foundation
import Hummingbird

/// The run queue: every run of the stacks the user can read that has not finished (waiting for
/// its turn, planning, held for an approval or a policy override, applying), oldest first as
/// the workers take them, then the latest finished ones.
struct RunQueue {
    struct Row {
        var link: RunLink
        /// `ORG/STACK`.
        var stack: String
        var stackURL: String
    }

    var unfinished: [Row]
    var finished: [Row]
    var noneUnfinished: Bool
    var noneFinished: Bool
}

extension Console {
    /// Runs a stack keeps in view: a run stays unfinished while newer ones queue behind it, so
    /// this many of its newest include every unfinished one but the rarest pile-up.
    static let runsReadPerStack = 25

    func runQueuePage() async throws -> Response {
        let (_, runs, _) = try acting()
        var all: [(organisation: String, run: Run)] = []
        for (organisation, stack) in try await readableStacks() {
            all += try await runs.runs(of: stack.reference, in: organisation, PageRequest(limit: Self.runsReadPerStack)).items.map { (organisation, $0) }
        }
        func row(_ entry: (organisation: String, run: Run)) -> RunQueue.Row {
            let reference = "\(entry.run.stack.name).\(entry.run.stack.environment)"
            return RunQueue.Row(
                link: Self.link(entry.run), stack: "\(entry.organisation)/\(reference)", stackURL: "/console/orgs/\(entry.organisation)/stacks/\(reference)")
        }
        let unfinished = all.filter { !$0.run.state.isFinal }.sorted { $0.run.createdAt < $1.run.createdAt }.map(row)
        let finished = all.filter(\.run.state.isFinal).sorted { $0.run.createdAt > $1.run.createdAt }.prefix(25).map(row)
        let view = RunQueue(unfinished: unfinished, finished: Array(finished), noneUnfinished: unfinished.isEmpty, noneFinished: finished.isEmpty)
        return pages.render(.runs, title: "Runs", view)
    }
}
