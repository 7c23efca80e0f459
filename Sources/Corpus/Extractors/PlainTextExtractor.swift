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
        let scalars = unicodeScalars
        var lo = scalars.startIndex, hi = scalars.endIndex
        while lo < hi, scalars[lo].properties.isWhitespace { lo = scalars.index(after: lo) }
        while hi > lo, scalars[scalars.index(before: hi)].properties.isWhitespace { hi = scalars.index(before: hi) }
        return String(String.UnicodeScalarView(scalars[lo..<hi]))
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
        var out = ""
        out.reserveCapacity(utf8.count)
        var pendingSpace = false
        for u in unicodeScalars {
            if u.properties.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
