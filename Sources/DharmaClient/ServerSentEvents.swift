/// A Server-Sent Events parser (the WHATWG event-stream format): bytes in, whole events out.
/// Only `event`, `data` and `id` fields matter here; comments and retry hints are skipped.
struct ServerSentEvents {
    struct Event: Sendable, Hashable {
        var name: String
        var data: String
        var id: String?
    }

    private var buffer: [UInt8] = []
    private var name = ""
    private var data: [String] = []
    private var id: String?

    mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
        buffer.append(contentsOf: bytes)
        var events: [Event] = []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            var line = buffer[..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            let text = String(decoding: line, as: UTF8.self)
            buffer.removeSubrange(...newline)
            if text.isEmpty {
                if !data.isEmpty { events.append(Event(name: name.isEmpty ? "message" : name, data: data.joined(separator: "\n"), id: id)) }
                name = ""
                data = []
                continue
            }
            if text.hasPrefix(":") { continue }
            let field = text.prefix { $0 != ":" }
            var value = text.dropFirst(field.count)
            if value.hasPrefix(":") { value = value.dropFirst() }
            if value.hasPrefix(" ") { value = value.dropFirst() }
            switch field {
            case "event": name = String(value)
            case "data": data.append(String(value))
            case "id": id = String(value)
            default: break
            }
        }
        return events
    }
}
