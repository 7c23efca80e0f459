// Gathering the running text of markup into one block: pieces of text with the lines they came
// from, whitespace collapsed the way a browser renders it, explicit line breaks kept.

/// Text collected for the block being built, with the source lines it covers.
struct InlineBuffer {
    /// Stands for a `<br>` until normalisation; libxml2 text never contains NUL.
    static let lineBreak: Character = "\u{0}"

    private(set) var raw = ""
    private(set) var firstLine: Int?
    private(set) var lastLine: Int?

    /// Appends text that starts on `line`. The span covers the lines of its first and last
    /// non-whitespace characters, so indentation between tags does not stretch a block.
    mutating func append(_ text: String, line: Int) {
        guard !text.isEmpty else { return }
        raw += text
        var newlines = 0, first: Int?, last = 0
        for b in text.utf8 {
            if b == 0x0A { newlines += 1 } else if b != 0x20 && b != 0x09 && b != 0x0D && b != 0x0C {
                if first == nil { first = newlines }
                last = newlines
            }
        }
        guard let first else { return }
        firstLine = min(firstLine ?? line + first, line + first)
        lastLine = max(lastLine ?? line + last, line + last)
    }

    mutating func lineBreakHere() { raw.append(Self.lineBreak) }

    /// A word boundary between block-level pieces merged into one block (e.g. `<p>`s in an `<li>`).
    mutating func separate() { if !raw.isEmpty { raw += " " } }

    var span: SourceSpan { SourceSpan(lineStart: firstLine, lineEnd: lastLine) }

    /// The collected text, normalised; empty when there was nothing but whitespace.
    var text: String { InlineText.normalize(raw) }

    mutating func reset() { self = InlineBuffer() }
}

enum InlineText {
    /// Collapses every run of whitespace (no-break spaces included) to one space, turns line-break
    /// markers into newlines without spaces around them, and trims both ends.
    static func normalize(_ raw: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false, pendingBreak = false
        // Scalars, not Characters: grapheme breaking and Character.isWhitespace dominated the
        // extraction profile; ASCII is decided without a property lookup.
        for s in raw.unicodeScalars {
            let v = s.value
            if v == 0 {
                pendingBreak = true
            } else if v < 0x80 ? (v == 0x20 || (v >= 0x09 && v <= 0x0D)) : s.properties.isWhitespace {
                pendingSpace = true
            } else {
                if !out.isEmpty {
                    if pendingBreak { out.append("\n") } else if pendingSpace { out.append(" ") }
                }
                pendingSpace = false
                pendingBreak = false
                out.append(s)
            }
        }
        return String(out)
    }

    /// True when `text` has a character other than whitespace.
    static func hasContent(_ text: String) -> Bool {
        for s in text.unicodeScalars {
            let v = s.value
            if v < 0x80 ? !(v == 0x20 || (v >= 0x09 && v <= 0x0D)) : !s.properties.isWhitespace { return true }
        }
        return false
    }
}
