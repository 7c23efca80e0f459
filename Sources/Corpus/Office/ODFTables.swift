// OpenDocument tables (ODF 1.2 Part 1, 9.1): rows and cells in order with their repeat counts,
// header rows, spans and covered cells, and a text-document table rendered row by row. Sheets in
// spreadsheets reuse the row and cell walk (ODFSheets). Paragraph styles are resolved here too.
import XML

enum ODFTables {
    struct Row {
        let element: XMLElement
        /// table:number-rows-repeated (at least 1; not capped here).
        let repeats: Int
        let header: Bool
    }

    struct Cell {
        let element: XMLElement
        /// table:number-columns-repeated (at least 1; not capped here).
        let repeats: Int
        /// table:number-columns-spanned (at least 1, capped at 64).
        let span: Int
        /// A table:covered-table-cell: hidden under a spanning neighbour.
        let covered: Bool
    }

    /// Rows of a table in order, through header-rows, row groups and rows containers (9.1.2-9.1.12).
    static func rows(_ table: XMLElement, header: Bool = false) -> [Row] {
        var out: [Row] = []
        for e in table.elements {
            switch e.name {
            case "table-row": out.append(Row(element: e, repeats: count(e.attr("number-rows-repeated")), header: header))
            case "table-header-rows": out += rows(e, header: true)
            case "table-rows", "table-row-group": out += rows(e, header: header)
            default: continue
            }
        }
        return out
    }

    static func cells(_ row: XMLElement) -> [Cell] {
        row.elements.compactMap { e in
            guard e.name == "table-cell" || e.name == "covered-table-cell" else { return nil }
            return Cell(element: e, repeats: count(e.attr("number-columns-repeated")),
                        span: min(count(e.attr("number-columns-spanned")), 64), covered: e.name == "covered-table-cell")
        }
    }

    /// A repeat or span count: at least 1, and bounded so arithmetic on it cannot overflow.
    static func count(_ s: String?) -> Int {
        min(max(s.flatMap { Int($0) } ?? 1, 1), 1 << 30)
    }

    /// A cell's paragraphs (lists and nested tables included) as one line of text.
    static func cellText(_ e: XMLElement) -> String {
        var parts: [String] = []
        func collect(_ e: XMLElement) {
            for c in e.elements {
                switch c.name {
                case "p", "h":
                    let t = ODFInline(c).text
                    if !t.isEmpty { parts.append(t) }
                case "annotation": continue
                default: collect(c)
                }
            }
        }
        collect(e)
        return parts.joined(separator: " ").replacingLineBreaks()
    }

    /// Rows and columns a text-document table may materialise from repeats.
    static let maxRows = 10_000, maxColumns = 1024

    /// A text-document table: header rows (table:table-header-rows, else the first row) name the
    /// columns, every other row is rendered by TableRendering.
    static func render(_ table: XMLElement) -> (header: [String], rows: [String]) {
        var grid: [(cells: [String], spanned: [Bool], header: Bool)] = []
        // Cells spanning rows (table:number-rows-spanned) by column: their text and how many rows
        // below they still cover. The covered cells there repeat it, so each row reads on its own.
        var down: [Int: (text: String, rows: Int)] = [:]
        for row in rows(table) {
            var texts: [String] = [], spanned: [Bool] = []
            for c in cells(row.element) where texts.count < maxColumns {
                var text = "", horizontal = c.covered
                let column = texts.count
                if !c.covered {
                    text = cellText(c.element)
                    let rowSpan = count(c.element.attr("number-rows-spanned"))
                    if rowSpan > 1 { down[column] = (text, rowSpan - 1) }
                } else if let d = down[column], d.rows > 0 {
                    text = d.text
                    horizontal = false
                    down[column] = (d.text, d.rows - 1)
                }
                for _ in 0..<min(c.repeats, maxColumns - texts.count) {
                    texts.append(text)
                    spanned.append(horizontal)
                }
            }
            for _ in 0..<min(row.repeats, maxRows - grid.count) { grid.append((texts, spanned, row.header)) }
            if grid.count >= maxRows { break }
        }
        guard !grid.isEmpty else { return ([], []) }
        var headerCount = grid.prefix { $0.header }.count
        if headerCount == 0 { headerCount = 1 }
        let width = grid.prefix(headerCount).map(\.cells.count).max() ?? 0
        var header: [String] = []
        for k in 0..<width {
            var parts: [String] = []
            for r in grid.prefix(headerCount) where k < r.cells.count {
                // A covered header cell takes the name of the spanning cell before it.
                let name = r.spanned[k] ? (header.last ?? "") : r.cells[k]
                if !name.isEmpty && !parts.contains(name) { parts.append(name) }
            }
            header.append(parts.joined(separator: " "))
        }
        var rendered = grid.dropFirst(headerCount).map { TableRendering.row(header: header, cells: $0.cells) }.filter { !$0.isEmpty }
        if rendered.isEmpty, header.contains(where: { !$0.isEmpty }) {
            rendered = [header.filter { !$0.isEmpty }.joined(separator: "; ")]
        }
        return (header, rendered)
    }
}

/// Paragraph styles by name, from content.xml's automatic styles and styles.xml's named styles
/// (16.2 style:style), so a paragraph can be recognised as a title or a caption through its
/// parent styles.
struct ODFStyles {
    private var parent: [String: String] = [:]
    private var display: [String: String] = [:]

    init(_ roots: [XMLElement?]) {
        for root in roots.compactMap({ $0 }) {
            for container in ["automatic-styles", "styles"] {
                for s in root.firstChild(named: container)?.children(named: "style") ?? [] where s.attr("family") == "paragraph" {
                    guard let name = s.attr("name") else { continue }
                    if let p = s.attr("parent-style-name") { parent[name] = p }
                    display[name] = s.attr("display-name") ?? name
                }
            }
        }
    }

    /// The style's names and its ancestors', lowercased without spaces or "_20_" (ODF's
    /// encoding of a space in a style name).
    private func chain(_ name: String?) -> [String] {
        var out: [String] = []
        var next = name
        var seen: Set<String> = []
        while let n = next, out.count < 32, seen.insert(n).inserted {
            for raw in [n, display[n] ?? n] {
                let key = raw.lowercased().split(separator: "_20_").joined().filter { $0 != " " }
                if !out.contains(key) { out.append(key) }
            }
            next = parent[n]
        }
        return out
    }

    func isTitle(_ style: String?) -> Bool { chain(style).contains("title") }

    /// LibreOffice's caption styles ("Table", "Illustration", "Figure", "Drawing", "Text") all
    /// derive from "Caption".
    func isCaption(_ style: String?) -> Bool { chain(style).contains("caption") }
}
