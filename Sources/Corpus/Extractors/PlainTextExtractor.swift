// Plain text: paragraphs are runs of non-blank lines; each keeps its 1-based line span.

public enum PlainTextExtractor {
    /// Splits decoded text into paragraph blocks.
    public static func extract(_ text: String) -> Document {
        var blocks: [Block] = []
        var current: [Substring] = []
        var start = 0
        var lineNo = 0
        func flush() {
            guard !current.isEmpty else { return }
            let joined = current.map { $0.trimmingCharacters() }.joined(separator: " ")
            if !joined.isEmpty {
                blocks.append(Block(.paragraph, joined, span: SourceSpan(lineStart: start, lineEnd: start + current.count - 1)))
            }
            current.removeAll()
        }
        for line in text.splitLines() {
            lineNo += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\u{0C}" }) {
                flush()
            } else {
                if current.isEmpty { start = lineNo }
                current.append(line)
            }
        }
        flush()
        return Document(title: nil, blocks: blocks)
    }
}

extension StringProtocol {
    /// The string without leading and trailing whitespace (spaces, tabs, newlines, NBSP).
    public func trimmingCharacters() -> String {
        // ASCII fast path: most text starts and ends with ASCII, so look at bytes first.
        let whole = Substring(self)
        let u = whole.utf8
        var lo = u.startIndex, hi = u.endIndex
        while lo < hi, let b = Optional(u[lo]), b < 0x80 {
            if b == 0x20 || (b >= 0x09 && b <= 0x0d) { lo = u.index(after: lo) } else { break }
        }
        while hi > lo, let b = Optional(u[u.index(before: hi)]), b < 0x80 {
            if b == 0x20 || (b >= 0x09 && b <= 0x0d) { hi = u.index(before: hi) } else { break }
        }
        let inner = whole[lo..<hi]
        let scalars = inner.unicodeScalars
        guard let f = scalars.first, let l = scalars.last, f.properties.isWhitespace || l.properties.isWhitespace else {
            return String(inner)
        }
        var a = scalars.startIndex, z = scalars.endIndex
        while a < z, scalars[a].properties.isWhitespace { a = scalars.index(after: a) }
        while z > a, scalars[scalars.index(before: z)].properties.isWhitespace { z = scalars.index(before: z) }
        return String(String.UnicodeScalarView(scalars[a..<z]))
    }
}

extension String {
    /// Lines split on LF, CRLF or CR, without the terminators; a final empty line is dropped.
    public func splitLines() -> [Substring] {
        var out: [Substring] = []
        var start = startIndex
        var i = startIndex
        while i < endIndex {
            let c = self[i]
            if c == "\n" || c == "\r\n" || c == "\r" {
                out.append(self[start..<i])
                i = index(after: i)
                start = i
            } else {
                i = index(after: i)
            }
        }
        if start < endIndex { out.append(self[start..<endIndex]) }
        return out
    }

    /// Runs of whitespace collapsed to one space, ends trimmed.
    public func collapsingWhitespace() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var pendingSpace = false
        for u in unicodeScalars {
            let space: Bool
            if u.value < 0x80 {
                space = u.value == 0x20 || (u.value >= 0x09 && u.value <= 0x0d)
            } else {
                space = u.properties.isWhitespace
            }
            if space {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                if u.value < 0x80 { out.append(UInt8(u.value)) } else { out.append(contentsOf: String(u).utf8) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
