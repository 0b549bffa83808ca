import DharmaAPI
import DharmaCore
import DharmaService
import Foundation

/// One message of a live stream (a run's log, an organisation's events), rendered the same way
/// for Server-Sent Events and for WebSocket text frames, so both carry identical data.
struct LiveMessage: Sendable, Hashable {
    /// `line`, `state`, or an event type such as `run.transition`.
    var name: String
    /// What a client passes as `after` to resume: a log line's index, an event's sequence.
    var id: Int?
    /// The payload, as compact JSON.
    var data: String

    /// `event: NAME`, `id: N`, `data: JSON`, then a blank line.
    var serverSentEvent: String {
        "event: \(name)\n" + (id.map { "id: \($0)\n" } ?? "") + "data: \(data)\n\n"
    }

    /// `{"event": NAME, "id": N, "data": {...}}`: one JSON object per text frame.
    var webSocketText: String {
        // `name` comes from the server's own vocabulary and `data` is JSON already.
        "{\"event\":\"\(name)\",\"id\":\(id.map(String.init) ?? "null"),\"data\":\(data)}"
    }

    init(name: String, id: Int?, data: String) {
        self.name = name
        self.id = id
        self.data = data
    }

    /// A run's log line (its index is the id) or its new state.
    init(_ update: RunUpdate) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch update {
        case .line(let line):
            let data = (try? encoder.encode(Components.Schemas.RunLogLine(line))) ?? Data("{}".utf8)
            self.init(name: "line", id: line.index, data: String(decoding: data, as: UTF8.self))
        case .state(let run):
            let data = (try? encoder.encode(Components.Schemas.Run(run))) ?? Data("{}".utf8)
            self.init(name: "state", id: nil, data: String(decoding: data, as: UTF8.self))
        }
    }

    /// An organisation's event (its sequence is the id).
    init(_ event: ServerEvent) {
        var data: [String: Value] = ["sequence": .int(event.sequence), "time": .double(event.time), "payload": event.payload]
        data["stack"] = event.stack.map(Value.string) ?? .null
        data["project"] = event.project.map(Value.string) ?? .null
        self.init(name: event.kind.rawValue, id: event.sequence, data: Value.map(data).compactJSON)
    }
}
