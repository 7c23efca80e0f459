// Stop strings over streamed text: finds the first occurrence of any stop string in the reply,
// and holds back the tail that could still become one, so that a streaming client never sees
// part of a stop string it will not get in the final text.

/// Watches generated text for stop strings.
public struct StopStrings: Sendable {
    private let stops: [[UInt8]]
    private var pending: [UInt8] = []      // text not yet released (a possible stop-string start)

    /// Watches for `stops` (empty strings are ignored).
    public init(_ stops: [String]) {
        self.stops = stops.map { Array($0.utf8) }.filter { !$0.isEmpty }
    }

    /// Adds newly decoded text. Returns the text that is safe to release and whether a stop
    /// string was found (the text before it is released; it and everything after are dropped).
    public mutating func append(_ text: String) -> (released: String, stopped: Bool) {
        if stops.isEmpty { return (text, false) }
        pending.append(contentsOf: text.utf8)
        if let cut = firstMatch() {
            let out = String(decoding: pending[0..<cut], as: UTF8.self)
            pending.removeAll()
            return (out, true)
        }
        let keep = heldBack()
        let out = String(decoding: pending[0..<(pending.count - keep)], as: UTF8.self)
        pending.removeFirst(pending.count - keep)
        return (out, false)
    }

    /// Everything held back (call when generation ends without a stop string).
    public mutating func flush() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Start of the earliest stop string in `pending`.
    private func firstMatch() -> Int? {
        var best: Int?
        for s in stops where s.count <= pending.count {
            var i = 0
            while i + s.count <= pending.count {
                if pending[i] == s[0] && pending[i..<(i + s.count)].elementsEqual(s) {
                    if best.map({ i < $0 }) ?? true { best = i }
                    break
                }
                i += 1
            }
        }
        return best
    }

    /// Length of the longest tail of `pending` that is a proper prefix of some stop string.
    /// (A prefix of valid UTF-8 starts on a character boundary, so the cut never splits one.)
    private func heldBack() -> Int {
        var longest = 0
        for s in stops {
            var k = min(s.count - 1, pending.count)
            while k > longest {
                if pending[(pending.count - k)...].elementsEqual(s[0..<k]) { longest = k; break }
                k -= 1
            }
        }
        return longest
    }
}
