// An HTML <table> to one table block: caption from <caption>, column names from the header row
// (the first row of <thead>, or a first row made only of <th>), each other row rendered by
// TableRendering as "column: value; column: value". Column spans are honoured; row spans are not.
// Text outside cells becomes a paragraph before the table, as an HTML5 parser would place it.
import XML

enum HTMLTables {
    /// A row as cell texts, each spanning one or more columns.
    private struct Row {
        var cells: [(text: String, span: Int, header: Bool)] = []
        var allHeaders: Bool { !cells.isEmpty && cells.allSatisfy(\.header) }
    }

    /// What a table holds, sorted as it is read. Text outside any cell (which an HTML5 parser
    /// "foster-parents" to before the table; libxml2 leaves it in place) is kept aside in `stray`.
    private struct Parts {
        let inSectioning: Bool
        var caption: String?
        var headRows: [Row] = []
        var bodyRows: [Row] = []
        var stray = InlineBuffer()
        /// Cells found outside any `tr` (malformed markup) collect into one implied row.
        var loose = Row()

        mutating func endLooseRow(head: Bool) {
            guard !loose.cells.isEmpty else { return }
            if head { headRows.append(loose) } else { bodyRows.append(loose) }
            loose = Row()
        }
    }

    /// The blocks for `table`: a paragraph of stray text, if any, then the table itself (nil
    /// when it holds no text at all).
    static func blocks(_ table: XMLElement, inSectioning: Bool) -> [Block] {
        var parts = Parts(inSectioning: inSectioning)
        section(table, head: false, into: &parts)
        var out: [Block] = []
        let strayText = parts.stray.text
        if !strayText.isEmpty { out.append(Block(.paragraph, strayText, span: parts.stray.span)) }

        var header: [String] = []
        var bodyRows = parts.bodyRows
        if !parts.headRows.isEmpty {
            header = columns(parts.headRows[0], repeatSpans: true)
            bodyRows = Array(parts.headRows.dropFirst()) + bodyRows
        } else if let first = bodyRows.first, first.allHeaders {
            header = columns(first, repeatSpans: true)
            bodyRows.removeFirst()
        }
        var rendered = bodyRows.map { TableRendering.row(header: header, cells: columns($0, repeatSpans: false)) }.filter { !$0.isEmpty }
        if rendered.isEmpty, header.contains(where: { !$0.isEmpty }) { rendered = [header.filter { !$0.isEmpty }.joined(separator: "; ")] }
        guard !rendered.isEmpty || parts.caption != nil else { return out }
        let text = ([parts.caption].compactMap { $0 } + rendered).joined(separator: "\n")
        out.append(Block(.table(caption: parts.caption, rows: rendered), text, span: SourceSpan(lineStart: table.line, lineEnd: table.endLine)))
        return out
    }

    /// Reads a `table`, `thead`, `tbody` or `tfoot`.
    private static func section(_ e: XMLElement, head: Bool, into parts: inout Parts) {
        for child in e.children {
            guard case let .element(c) = child else {
                if case let .text(text, line) = child { parts.stray.append(text, line: line) }
                continue
            }
            if HTMLChrome.drops(c, inSectioning: parts.inSectioning) { continue }
            switch c.name {
            case "tr":
                parts.endLooseRow(head: head)
                let r = row(c, into: &parts)
                if head { parts.headRows.append(r) } else { parts.bodyRows.append(r) }
            case "td", "th":
                parts.loose.cells.append(cell(c, inSectioning: parts.inSectioning))
            case "thead":
                parts.endLooseRow(head: head)
                section(c, head: true, into: &parts)
            case "tbody", "tfoot":
                parts.endLooseRow(head: head)
                section(c, head: false, into: &parts)
            case "caption" where parts.caption == nil:
                let text = HTMLBlockWalker.inlineText(c, inSectioning: parts.inSectioning).replacingLineBreaks()
                if !text.isEmpty { parts.caption = text }
            default:
                parts.stray.separate()
                HTMLBlockWalker.gather(c, into: &parts.stray, inSectioning: parts.inSectioning)
                parts.stray.separate()
            }
        }
        parts.endLooseRow(head: head)
    }

    private static func row(_ tr: XMLElement, into parts: inout Parts) -> Row {
        var row = Row()
        for child in tr.children {
            switch child {
            case let .text(text, line):
                parts.stray.append(text, line: line)
            case let .element(c):
                if HTMLChrome.drops(c, inSectioning: parts.inSectioning) { continue }
                if c.name == "td" || c.name == "th" {
                    row.cells.append(cell(c, inSectioning: parts.inSectioning))
                } else {
                    parts.stray.separate()
                    HTMLBlockWalker.gather(c, into: &parts.stray, inSectioning: parts.inSectioning)
                    parts.stray.separate()
                }
            }
        }
        return row
    }

    private static func cell(_ c: XMLElement, inSectioning: Bool) -> (text: String, span: Int, header: Bool) {
        // Bounded: a hostile colspan must not allocate millions of empty columns.
        let span = min(max(Int(c.attribute("colspan") ?? "1") ?? 1, 1), 64)
        return (HTMLBlockWalker.inlineText(c, inSectioning: inSectioning).replacingLineBreaks(), span, c.name == "th")
    }

    /// One entry per column: a spanning header names every column it covers; a spanning body
    /// cell fills its first column and leaves the rest empty (so its text appears once).
    private static func columns(_ row: Row, repeatSpans: Bool) -> [String] {
        var out: [String] = []
        for cell in row.cells {
            out.append(cell.text)
            if cell.span > 1 { out += Array(repeating: repeatSpans ? cell.text : "", count: cell.span - 1) }
        }
        return out
    }
}
