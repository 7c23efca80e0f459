// The spreadsheet and presentation bodies of OpenDocument files: ODS sheets row by row through
// SheetTable (repeated rows and cells expanded within limits), and ODP pages as slides with their
// titles, text frames, tables and speaker notes. Text documents are ODFText's.
import XML

enum ODFSheets {
    /// Reads every table:table of office:spreadsheet (9.1.2) into sheet blocks.
    static func read(_ spreadsheet: XMLElement, limits: OfficeLimits) -> [Block] {
        var blocks: [Block] = []
        var remaining = limits.maxCellsPerWorkbook
        for (i, table) in spreadsheet.children(named: "table").enumerated() {
            let name = table.attr("name") ?? "Sheet\(i + 1)"
            var builder = SheetBuilder(name: name, budget: min(limits.maxCellsPerSheet, remaining))
            var rowNumber = 0
            for row in ODFTables.rows(table) where builder.accepting && rowNumber < CellReference.maxRow {
                let values = cells(row.element, limits: limits)
                // Empty repeated rows (LibreOffice pads sheets with them to the last row) cost nothing.
                let copies = values.isEmpty ? 0 : min(row.repeats, limits.maxRepeat, CellReference.maxRow - rowNumber)
                for k in 0..<copies where builder.accepting { builder.add(row: rowNumber + k + 1, cells: values) }
                rowNumber += min(row.repeats, CellReference.maxRow - rowNumber)
            }
            remaining -= builder.cells
            blocks += builder.finish(limitNote: "Sheet \(name) is cut here: the rest of it is too large to index "
                                     + "(limits: \(limits.maxCellsPerSheet) cells per sheet, \(limits.maxCellsPerWorkbook) per workbook).")
        }
        return blocks
    }

    /// A row's non-empty cells by 1-based column, repeated cells copied at most `maxRepeat` times.
    private static func cells(_ row: XMLElement, limits: OfficeLimits) -> [(column: Int, value: String)] {
        var out: [(column: Int, value: String)] = []
        var column = 0
        for c in ODFTables.cells(row) where column < CellReference.maxColumn {
            if !c.covered, let v = value(c.element), !v.isEmpty {
                for k in 0..<min(c.repeats, limits.maxRepeat, CellReference.maxColumn - column) { out.append((column + k + 1, v)) }
            }
            column += min(c.repeats, CellReference.maxColumn - column)
        }
        return out
    }

    /// What a cell shows (19.385 office:value-type): dates as ISO 8601 from office:date-value,
    /// booleans as TRUE/FALSE, everything else as its displayed paragraphs (falling back to
    /// office:value or office:string-value).
    static func value(_ cell: XMLElement) -> String? {
        switch cell.attr("value-type") {
        case "date":
            if let d = cell.attr("date-value") { return isoDate(d) }
        case "boolean":
            if let b = cell.attr("boolean-value") { return b == "true" || b == "1" ? "TRUE" : "FALSE" }
        default:
            break
        }
        let shown = ODFTables.cellText(cell)
        return shown.isEmpty ? cell.attr("value") ?? cell.attr("string-value") : shown
    }

    /// "2024-03-15T00:00:00" → "2024-03-15"; a time of day other than midnight is kept as
    /// "2024-03-15 14:30:00" (the form XLSX dates take); fractions of a second are dropped.
    static func isoDate(_ s: String) -> String {
        guard let t = s.firstIndex(of: "T") else { return s }
        let day = String(s[..<t])
        var time = s[s.index(after: t)...].prefix { $0 != "." && $0 != "Z" && $0 != "+" }
        if time.count == 5 { time += ":00" }
        return time == "00:00:00" ? day : day + " " + time
    }
}

enum ODFSlides {
    /// presentation:class values that repeat page chrome rather than content (19.405).
    static let chrome: Set<String> = ["page-number", "date-time", "footer", "header", "page", "handout"]

    /// Reads every draw:page of office:presentation (10.2.4) as a slide.
    static func read(_ presentation: XMLElement, styles: ODFStyles, includeNotes: Bool) -> (blocks: [Block], firstTitle: String?) {
        var blocks: [Block] = []
        var firstTitle: String?
        for (i, page) in presentation.children(named: "page").enumerated() {
            let span = SourceSpan(page: i + 1, locator: "slide \(i + 1)")
            var reader = ODFTextReader(styles: styles)
            reader.fixedSpan = span
            var title: String?
            shapes(page, title: &title, reader: &reader)
            if firstTitle == nil { firstTitle = title }
            blocks.append(Block(.heading(level: 2), title ?? "Slide \(i + 1)", span: span))
            blocks += reader.blocks
            if includeNotes, let notes = page.firstChild(named: "notes") {
                for frame in notes.descendants(named: "frame") where frame.attr("class") == "notes" {
                    for p in frame.descendants(named: "p") {
                        let t = ODFInline(p).text
                        if !t.isEmpty { blocks.append(Block(.paragraph, t, span: span)) }
                    }
                }
            }
        }
        return (blocks, firstTitle)
    }

    private static func shapes(_ container: XMLElement, title: inout String?, reader: inout ODFTextReader) {
        for e in container.elements {
            switch e.name {
            case "notes", "forms", "animations":
                continue
            case "g":
                shapes(e, title: &title, reader: &reader)
            case "frame" where e.attr("class") == "title":
                let t = ODFTables.cellText(e)
                if title == nil, !t.isEmpty { title = t } else if !t.isEmpty { reader.visit(e) }
            default:
                if let c = e.attr("class"), chrome.contains(c) { continue }
                reader.visit(e)
            }
        }
    }
}
