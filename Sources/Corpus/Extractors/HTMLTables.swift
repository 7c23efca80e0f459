// An HTML <table> to one table block: caption from <caption>, column names from the header row
// (the first row of <thead>, or a first row made only of <th>), each other row rendered by
// TableRendering as "column: value; column: value". Column spans are honoured; row spans are not.
import XML

enum HTMLTables {
    /// A row as cell texts, each spanning one or more columns.
    private struct Row {
        var cells: [(text: String, span: Int, header: Bool)] = []
        var allHeaders: Bool { !cells.isEmpty && cells.allSatisfy(\.header) }
    }

    /// The block for `table`, or nil when it holds no text at all.
    static func block(_ table: XMLElement, inSectioning: Bool) -> Block? {
        var caption: String?
        var headRows: [Row] = []
        var bodyRows: [Row] = []
        for part in table.elements where !HTMLChrome.drops(part, inSectioning: inSectioning) {
            switch part.name {
            case "caption":
                let text = HTMLBlockWalker.inlineText(part, inSectioning: inSectioning).replacingLineBreaks()
                if !text.isEmpty { caption = text }
            case "thead":
                headRows += rows(of: part, inSectioning: inSectioning)
            case "tbody", "tfoot":
                bodyRows += rows(of: part, inSectioning: inSectioning)
            case "tr":
                bodyRows.append(row(part, inSectioning: inSectioning))
            default:
                break
            }
        }
        var header: [String] = []
        if !headRows.isEmpty {
            header = columns(headRows.removeFirst(), repeatSpans: true)
            bodyRows = headRows + bodyRows
        } else if let first = bodyRows.first, first.allHeaders {
            header = columns(first, repeatSpans: true)
            bodyRows.removeFirst()
        }
        var rendered = bodyRows.map { TableRendering.row(header: header, cells: columns($0, repeatSpans: false)) }.filter { !$0.isEmpty }
        if rendered.isEmpty, header.contains(where: { !$0.isEmpty }) { rendered = [header.filter { !$0.isEmpty }.joined(separator: "; ")] }
        guard !rendered.isEmpty || caption != nil else { return nil }
        let text = ([caption].compactMap { $0 } + rendered).joined(separator: "\n")
        return Block(.table(caption: caption, rows: rendered), text, span: SourceSpan(lineStart: table.line, lineEnd: table.endLine))
    }

    private static func rows(of section: XMLElement, inSectioning: Bool) -> [Row] {
        section.elements.filter { $0.name == "tr" && !HTMLChrome.drops($0, inSectioning: inSectioning) }
            .map { row($0, inSectioning: inSectioning) }
    }

    private static func row(_ tr: XMLElement, inSectioning: Bool) -> Row {
        var row = Row()
        for cell in tr.elements where (cell.name == "td" || cell.name == "th") && !HTMLChrome.drops(cell, inSectioning: inSectioning) {
            // Bounded: a hostile colspan must not allocate millions of empty columns.
            let span = min(max(Int(cell.attribute("colspan") ?? "1") ?? 1, 1), 64)
            let text = HTMLBlockWalker.inlineText(cell, inSectioning: inSectioning).replacingLineBreaks()
            row.cells.append((text, span, cell.name == "th"))
        }
        return row
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
