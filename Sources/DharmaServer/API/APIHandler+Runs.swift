import DharmaAPI
import DharmaCore
import DharmaService
import DharmaStore
import Foundation
import OpenAPIRuntime

/// Runs: queue, read, decide, follow.
extension APIHandler {
    func listStackRuns(_ input: Operations.ListStackRuns.Input) async throws -> Operations.ListStackRuns.Output {
        await respond(Operations.ListStackRuns.Output.default) { () throws(ServiceError) in
            let page = try await runs().runs(of: input.path.stack, in: input.path.org, try Cursor.page(input.query.cursor, input.query.limit))
            return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Run.init), nextCursor: Cursor.encode(page.next)))))
        }
    }

    func createRun(_ input: Operations.CreateRun.Input) async throws -> Operations.CreateRun.Output {
        await respond(Operations.CreateRun.Output.default) { () throws(ServiceError) in
            guard case .json(let body) = input.body else { throw .invalidInput("the body must be JSON") }
            if let version = body.blueprintVersion, version < 1 {
                throw .invalidInput("blueprint_version \(version): versions count from 1", pointer: "/blueprint_version")
            }
            if body.kind == ._empty_ { throw .invalidInput("kind: apply, destroy or plan_only", pointer: "/kind") }
            let kind = body.kind.flatMap { RunKind(rawValue: $0.rawValue) } ?? .apply
            let run = try await runs().create(
                on: input.path.stack, in: input.path.org, kind: kind, blueprintVersion: body.blueprintVersion, message: body.message)
            return .created(.init(body: .json(.init(run))))
        }
    }

    func getRun(_ input: Operations.GetRun.Input) async throws -> Operations.GetRun.Output {
        await respond(Operations.GetRun.Output.default) { () throws(ServiceError) in
            .ok(.init(body: .json(.init(try await runs().run(input.path.run, in: input.path.org)))))
        }
    }

    func approveRun(_ input: Operations.ApproveRun.Input) async throws -> Operations.ApproveRun.Output {
        await respond(Operations.ApproveRun.Output.default) { () throws(ServiceError) in
            let decision: Components.Schemas.Decision? = input.body.flatMap { if case .json(let body) = $0 { body } else { nil } }
            let reason = try Self.reason(decision)
            let signature = decision?.signature
            guard (signature?.count ?? 0) <= 20000 else { throw .invalidInput("signature: at most 20000 characters", pointer: "/signature") }
            return .ok(.init(body: .json(.init(try await runs().approve(input.path.run, in: input.path.org, reason: reason, signature: signature)))))
        }
    }

    func getRunApproval(_ input: Operations.GetRunApproval.Input) async throws -> Operations.GetRunApproval.Output {
        await respond(Operations.GetRunApproval.Output.default) { () throws(ServiceError) in
            let request = try await runs().approvalRequest(input.path.run, in: input.path.org)
            return .ok(
                .init(
                    body: .json(
                        .init(
                            run: request.run.id, stack: "\(request.run.stack.name).\(request.run.stack.environment)", planHash: request.planHash,
                            statement: request.statement, approvers: request.approvers, required: request.required, approvedBy: request.approvedBy))))
        }
    }

    func discardRun(_ input: Operations.DiscardRun.Input) async throws -> Operations.DiscardRun.Output {
        await respond(Operations.DiscardRun.Output.default) { () throws(ServiceError) in
            let reason = try Self.reason(input.body.map { if case .json(let body) = $0 { body } else { nil } } ?? nil)
            return .ok(.init(body: .json(.init(try await runs().discard(input.path.run, in: input.path.org, reason: reason)))))
        }
    }

    func cancelRun(_ input: Operations.CancelRun.Input) async throws -> Operations.CancelRun.Output {
        await respond(Operations.CancelRun.Output.default) { () throws(ServiceError) in
            .ok(.init(body: .json(.init(try await runs().cancel(input.path.run, in: input.path.org)))))
        }
    }

    /// The log as JSON, or with `follow` (or `Accept: text/event-stream`) as Server-Sent
    /// Events: `line` events, `state` events, and the stream ends with the run.
    func getRunLog(_ input: Operations.GetRunLog.Input) async throws -> Operations.GetRunLog.Output {
        await respond(Operations.GetRunLog.Output.default) { () throws(ServiceError) in
            let after = input.query.after ?? 0
            guard after >= 0 else { throw .invalidInput("after \(after): line numbers start at 0", pointer: "/after") }
            // A stream when asked for: `follow`, or an Accept header that takes nothing else.
            let accepted = input.headers.accept.map(\.contentType)
            let wantsStream = input.query.follow == true || (!accepted.isEmpty && accepted.allSatisfy { $0 == .textEventStream })
            if wantsStream {
                let updates = try await runs().follow(input.path.run, in: input.path.org, after: after)
                let events = updates.map { update -> ArraySlice<UInt8> in ArraySlice(LiveMessage(update).serverSentEvent.utf8) }
                return .ok(.init(body: .textEventStream(HTTPBody(events, length: .unknown, iterationBehavior: .single))))
            }
            let (run, lines) = try await runs().log(of: input.path.run, in: input.path.org, after: after)
            return .ok(
                .init(
                    body: .json(
                        .init(run: run.id, state: .init(rawValue: run.state.rawValue) ?? .errored, lines: lines.map(Components.Schemas.RunLogLine.init)))))
        }
    }

    /// The organisation's events as Server-Sent Events; the stream ends when the client goes.
    func followEvents(_ input: Operations.FollowEvents.Input) async throws -> Operations.FollowEvents.Output {
        await respond(Operations.FollowEvents.Output.default) { () throws(ServiceError) in
            let query = input.query
            let stream = try await events(
                of: input.path.org, project: query.project, stack: query.stack, type: query._type?.rawValue, after: query.after)
            return .ok(.init(body: .textEventStream(stream)))
        }
    }

    /// Events of every organisation the caller belongs to, or of `org`.
    func followAllEvents(_ input: Operations.FollowAllEvents.Input) async throws -> Operations.FollowAllEvents.Output {
        await respond(Operations.FollowAllEvents.Output.default) { () throws(ServiceError) in
            let query = input.query
            let stream = try await events(of: query.org, project: query.project, stack: query.stack, type: query._type?.rawValue, after: query.after)
            return .ok(.init(body: .textEventStream(stream)))
        }
    }

    private func events(of organisation: String?, project: String?, stack: String?, type: String?, after: Int?) async throws(ServiceError) -> HTTPBody {
        let kinds = type.flatMap(ServerEvent.Kind.init(rawValue:)).map { Set([$0]) } ?? Set(ServerEvent.Kind.allCases)
        let events = try await tenants().events(
            of: organisation, filter: EventBus.Filter(project: project, stack: stack, kinds: kinds), after: after, bus: coordinator.events)
        let frames = events.map { event -> ArraySlice<UInt8> in ArraySlice(LiveMessage(event).serverSentEvent.utf8) }
        return HTTPBody(frames, length: .unknown, iterationBehavior: .single)
    }

    /// A decision's reason, at most 500 characters.
    static func reason(_ decision: Components.Schemas.Decision?) throws(ServiceError) -> String? {
        guard let reason = decision?.reason else { return nil }
        guard reason.count <= 500 else { throw .invalidInput("reason: at most 500 characters", pointer: "/reason") }
        return reason
    }
}
