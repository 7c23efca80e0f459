// Markdown (CommonMark + GFM tables, with Jekyll front matter) to blocks: ATX and setext headings,
// paragraphs, list items, fenced and indented code, block quotes and pipe tables, each with the
// line span it came from.

public enum MarkdownExtractor {
    public static func extract(_ text: String) -> Document {
        var p = MarkdownBlockParser(lines: text.splitLines())
        p.run()
        return Document(title: p.title, blocks: p.blocks)
    }
}

struct MarkdownBlockParser {
    let lines: [Substring]
    var i = 0
    var blocks: [Block] = []
    var title: String?
    var paragraph: [Substring] = []
    var paragraphStart = 0
    var paragraphKind: Block.Kind = .paragraph

    init(lines: [Substring]) { self.lines = lines }

    static func isBlank(_ l: Substring) -> Bool { l.allSatisfy { $0 == " " || $0 == "\t" } }

    static func indent(_ l: Substring) -> Int {
        var n = 0
        for c in l { if c == " " { n += 1 } else if c == "\t" { n += 4 } else { break } }
        return n
    }

    mutating func flushParagraph() {
        guard !paragraph.isEmpty else { return }
        let raw = paragraph.map { $0.trimmingCharacters() }.joined(separator: " ")
        let text = MarkdownInline.plain(raw)
        if !text.isEmpty {
            blocks.append(Block(paragraphKind, text, span: SourceSpan(lineStart: paragraphStart + 1, lineEnd: paragraphStart + paragraph.count)))
        }
        paragraph.removeAll()
        paragraphKind = .paragraph
    }

    mutating func run() {
        frontMatter()
        while i < lines.count {
            let line = lines[i]
            if Self.isBlank(line) { flushParagraph(); i += 1; continue }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if Self.indent(line) < 4, let fence = fenceMarker(trimmed) { flushParagraph(); code(fence: fence); continue }
            if Self.indent(line) < 4, let level = atxLevel(trimmed) {
                flushParagraph()
                var h = trimmed.drop(while: { $0 == "#" })
                while let l = h.last, l == "#" || l == " " { h.removeLast() }
                let text = MarkdownInline.plain(String(h))
                if !text.isEmpty { blocks.append(Block(.heading(level: level), text, span: SourceSpan(lineStart: i + 1, lineEnd: i + 1))) }
                i += 1
                continue
            }
            if !paragraph.isEmpty, paragraphKind == .paragraph, Self.indent(line) < 4, let level = setextLevel(trimmed) {
                let text = MarkdownInline.plain(paragraph.map { $0.trimmingCharacters() }.joined(separator: " "))
                blocks.append(Block(.heading(level: level), text, span: SourceSpan(lineStart: paragraphStart + 1, lineEnd: i + 1)))
                paragraph.removeAll()
                i += 1
                continue
            }
            if isThematicBreak(trimmed) { flushParagraph(); i += 1; continue }
            if trimmed.hasPrefix("|") || (trimmed.contains("|") && i + 1 < lines.count && isTableSeparator(lines[i + 1])) {
                if i + 1 < lines.count, isTableSeparator(lines[i + 1]) { flushParagraph(); table(); continue }
            }
            if let rest = listItemContent(line) {
                flushParagraph()
                paragraphStart = i
                paragraphKind = .listItem
                paragraph = [rest]
                i += 1
                continue
            }
            if trimmed.hasPrefix(">") {
                var t = trimmed.dropFirst()
                while t.first == ">" || t.first == " " { t = t.dropFirst() }
                if paragraph.isEmpty { paragraphStart = i }
                paragraph.append(t)
                i += 1
                continue
            }
            if paragraph.isEmpty && Self.indent(line) >= 4 { indentedCode(); continue }
            if paragraph.isEmpty { paragraphStart = i }
            paragraph.append(line)
            i += 1
        }
        flushParagraph()
    }

    /// YAML front matter between '---' lines at the very top; we keep its `title:`.
    mutating func frontMatter() {
        guard let first = lines.first, first.trimmingCharacters() == "---" else { return }
        var j = 1
        while j < lines.count {
            let l = lines[j].trimmingCharacters()
            if l == "---" || l == "..." {
                i = j + 1
                return
            }
            if l.hasPrefix("title:") {
                var t = l.dropFirst(6).trimmingCharacters()
                if t.count >= 2, let f = t.first, f == "\"" || f == "'", t.last == f { t = String(t.dropFirst().dropLast()) }
                if !t.isEmpty { title = t }
            }
            j += 1
        }
        // No closing fence: not front matter after all.
        title = nil
    }

    func atxLevel(_ t: Substring) -> Int? {
        var n = 0
        for c in t { if c == "#" { n += 1 } else { break } }
        guard (1...6).contains(n) else { return nil }
        let after = t.dropFirst(n)
        return after.isEmpty || after.first == " " || after.first == "\t" ? n : nil
    }

    func setextLevel(_ t: Substring) -> Int? {
        let s = t.trimmingCharacters()
        if !s.isEmpty, s.allSatisfy({ $0 == "=" }) { return 1 }
        if s.count >= 2, s.allSatisfy({ $0 == "-" }) { return 2 }
        return nil
    }

    func isThematicBreak(_ t: Substring) -> Bool {
        let s = t.filter { $0 != " " }
        guard s.count >= 3, let c = s.first, c == "-" || c == "*" || c == "_" else { return false }
        return s.allSatisfy { $0 == c }
    }

    func fenceMarker(_ t: Substring) -> (Character, Int)? {
        guard let c = t.first, c == "`" || c == "~" else { return nil }
        let n = t.prefix { $0 == c }.count
        return n >= 3 ? (c, n) : nil
    }

    mutating func code(fence: (Character, Int)) {
        let start = i
        var body: [Substring] = []
        i += 1
        while i < lines.count {
            let t = lines[i].drop { $0 == " " }
            if let f = fenceMarker(t), f.0 == fence.0, f.1 >= fence.1, t.dropFirst(f.1).trimmingCharacters().isEmpty { i += 1; break }
            body.append(lines[i])
            i += 1
        }
        let text = body.joined(separator: "\n")
        if !text.trimmingCharacters().isEmpty {
            blocks.append(Block(.code, text, span: SourceSpan(lineStart: start + 1, lineEnd: i)))
        }
    }

    mutating func indentedCode() {
        let start = i
        var body: [Substring] = []
        while i < lines.count, Self.isBlank(lines[i]) || Self.indent(lines[i]) >= 4 {
            body.append(lines[i].dropFirst(min(4, lines[i].prefix { $0 == " " }.count)))
            i += 1
        }
        while let l = body.last, Self.isBlank(l) { body.removeLast() }
        blocks.append(Block(.code, body.joined(separator: "\n"), span: SourceSpan(lineStart: start + 1, lineEnd: start + body.count)))
    }

    /// Bullet (`-`, `*`, `+`) or ordered (`1.`, `1)`) item; returns the content after the marker.
    func listItemContent(_ line: Substring) -> Substring? {
        let t = line.drop { $0 == " " || $0 == "\t" }
        guard let c = t.first else { return nil }
        if c == "-" || c == "*" || c == "+" {
            let rest = t.dropFirst()
            guard rest.first == " " || rest.first == "\t" else { return nil }
            return rest.drop { $0 == " " || $0 == "\t" }
        }
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        let rest = t.dropFirst(digits.count)
        guard let m = rest.first, m == "." || m == ")" else { return nil }
        let after = rest.dropFirst()
        guard after.first == " " || after.first == "\t" else { return nil }
        return after.drop { $0 == " " || $0 == "\t" }
    }

    func isTableSeparator(_ l: Substring) -> Bool {
        let s = l.trimmingCharacters()
        guard s.contains("-"), s.contains("|") || s.hasPrefix(":") || s.hasPrefix("-") else { return false }
        return s.allSatisfy { $0 == "|" || $0 == "-" || $0 == ":" || $0 == " " || $0 == "\t" }
    }

    static func cells(_ l: Substring) -> [String] {
        var s = l.trimmingCharacters()
        if s.hasPrefix("|") { s.removeFirst() }
        if s.hasSuffix("|") && !s.hasSuffix("\\|") { s.removeLast() }
        var out: [String] = []
        var cur = ""
        var esc = false
        for c in s {
            if esc { cur.append(c); esc = false; continue }
            if c == "\\" { esc = true; continue }
            if c == "|" { out.append(MarkdownInline.plain(cur)); cur = ""; continue }
            cur.append(c)
        }
        out.append(MarkdownInline.plain(cur))
        return out
    }

    /// A pipe table: the header row names the columns; every body row becomes "column: value; ...".
    /// A caption is the paragraph immediately above when it ends with ':' or starts with "Table".
    mutating func table() {
        let start = i
        let header = Self.cells(lines[i])
        i += 2
        var rows: [String] = []
        while i < lines.count, !Self.isBlank(lines[i]), lines[i].contains("|") {
            rows.append(TableRendering.row(header: header, cells: Self.cells(lines[i])))
            i += 1
        }
        var caption: String?
        if let last = blocks.last, case .paragraph = last.kind, last.span.lineEnd == start,
           last.text.hasSuffix(":") || last.text.lowercased().hasPrefix("table") {
            caption = last.text
            blocks.removeLast()
        }
        if rows.isEmpty { rows = [header.joined(separator: "; ")] }
        let text = ([caption].compactMap { $0 } + rows).joined(separator: "\n")
        let lineStart = caption == nil ? start + 1 : start
        blocks.append(Block(.table(caption: caption, rows: rows), text, span: SourceSpan(lineStart: lineStart, lineEnd: i)))
    }
}

/// Tables become text one row per line, "column: value" pairs, so each row reads on its own.
public enum TableRendering {
    public static func row(header: [String], cells: [String]) -> String {
        var parts: [String] = []
        for (k, cell) in cells.enumerated() {
            let value = cell.trimmingCharacters()
            if value.isEmpty { continue }
            let name = k < header.count ? header[k].trimmingCharacters() : ""
            parts.append(name.isEmpty ? value : "\(name): \(value)")
        }
        return parts.joined(separator: "; ")
    }
}
