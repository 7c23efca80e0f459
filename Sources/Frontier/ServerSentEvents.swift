// Incremental server-sent-events parsing (the streaming format of both APIs): bytes arrive in
// arbitrary chunks; complete events (blank-line terminated) come out with their name and data.

struct ServerSentEvent: Equatable {
    var event: String?
    var data: String
}

struct SSEParser {
    private var buffer: [UInt8] = []

    /// Feeds bytes; returns the events completed by them.
    mutating func feed(_ bytes: [UInt8]) -> [ServerSentEvent] {
        buffer.append(contentsOf: bytes)
        var events: [ServerSentEvent] = []
        while let end = eventEnd() {
            let block = String(decoding: buffer[..<end.start], as: UTF8.self)
            buffer.removeFirst(end.next)
            var name: String?
            var data: [String] = []
            for raw in block.split(separator: "\n", omittingEmptySubsequences: false) {
                let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
                if line.hasPrefix(":") { continue }
                if line.hasPrefix("event:") { name = line.dropFirst(6).trimmingCharacters(in: " ") }
                else if line.hasPrefix("data:") {
                    var d = line.dropFirst(5)
                    if d.first == " " { d = d.dropFirst() }
                    data.append(String(d))
                }
            }
            if name != nil || !data.isEmpty { events.append(ServerSentEvent(event: name, data: data.joined(separator: "\n"))) }
        }
        return events
    }

    /// The end of the first complete event (a blank line, LF or CRLF style).
    private func eventEnd() -> (start: Int, next: Int)? {
        var i = 0
        while i + 1 < buffer.count {
            if buffer[i] == 0x0a && buffer[i + 1] == 0x0a { return (i, i + 2) }
            if buffer[i] == 0x0a && buffer[i + 1] == 0x0d && i + 2 < buffer.count && buffer[i + 2] == 0x0a { return (i, i + 3) }
            i += 1
        }
        return nil
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
