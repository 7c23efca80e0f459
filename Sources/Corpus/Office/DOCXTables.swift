// A WordprocessingML table (w:tbl) to rendered rows: header rows (w:tblHeader, else the first row),
// horizontal spans (w:gridSpan, w:gridBefore) and vertical merges (w:vMerge) laid on the grid, each
// body row rendered by TableRendering. Nested tables are read into their cell's text.
import XML

enum DOCXTables {
    /// Grid columns one cell or gap may cover: a hostile span must not allocate millions.
    static let maxSpan = 64

    /// One grid column of a row: its text, and whether a horizontal span carried it there.
    private struct Slot {
        var text: String
        var spanned = false
    }

    /// The header cells and the rendered body rows of `tbl`.
    static func render(_ tbl: XMLElement) -> (header: [String], rows: [String]) {
        var grid: [[Slot]] = []
        var headerCount = 0
        var stillHeader = true
        // Text of the cell that started a vertical merge, by grid column.
        var mergeText: [Int: String] = [:]
        for tr in rows(tbl) {
            var cells: [Slot] = []
            let trPr = tr.firstChild(named: "trPr")
            if let before = trPr?.child("gridBefore")?.attr("val").flatMap({ Int($0) }) {
                cells += Array(repeating: Slot(text: ""), count: min(max(before, 0), maxSpan))
            }
            for tc in cellsOf(tr) {
                let tcPr = tc.firstChild(named: "tcPr")
                let span = min(max(tcPr?.child("gridSpan")?.attr("val").flatMap { Int($0) } ?? 1, 1), maxSpan)
                var text = cellText(tc)
                let column = cells.count
                if let vMerge = tcPr?.child("vMerge") {
                    // 17.4.85: "restart" begins a merged region; no value (or "continue") extends it.
                    if vMerge.attr("val") == "restart" { mergeText[column] = text } else { text = mergeText[column] ?? text }
                } else {
                    mergeText[column] = nil
                }
                cells.append(Slot(text: text))
                if span > 1 { cells += Array(repeating: Slot(text: text, spanned: true), count: span - 1) }
            }
            let repeatsAsHeader = trPr?.child("tblHeader").map { !DOCXParagraphText.isOff($0) } ?? false
            if stillHeader && repeatsAsHeader { headerCount += 1 } else { stillHeader = false }
            grid.append(cells)
        }
        guard !grid.isEmpty else { return ([], []) }
        if headerCount == 0 { headerCount = 1 }
        // A spanning header names every column it covers; a spanning body cell fills its first.
        let headerRows = grid.prefix(headerCount).map { $0.map(\.text) }
        let width = headerRows.map(\.count).max() ?? 0
        var header: [String] = []
        for k in 0..<width {
            var parts: [String] = []
            for r in headerRows where k < r.count && !r[k].isEmpty && !parts.contains(r[k]) { parts.append(r[k]) }
            header.append(parts.joined(separator: " "))
        }
        let body = grid.dropFirst(headerCount).map { $0.map { $0.spanned ? "" : $0.text } }
        var rendered = body.map { TableRendering.row(header: header, cells: $0) }.filter { !$0.isEmpty }
        if rendered.isEmpty, header.contains(where: { !$0.isEmpty }) {
            rendered = [header.filter { !$0.isEmpty }.joined(separator: "; ")]
        }
        return (header, rendered)
    }

    /// Rows, looking through content controls and custom XML wrapped around them.
    private static func rows(_ tbl: XMLElement) -> [XMLElement] {
        var out: [XMLElement] = []
        for e in tbl.elements {
            switch e.name {
            case "tr": out.append(e)
            case "sdt": if let c = e.firstChild(named: "sdtContent") { out += rows(c) }
            case "customXml": out += rows(e)
            default: continue
            }
        }
        return out
    }

    private static func cellsOf(_ tr: XMLElement) -> [XMLElement] {
        var out: [XMLElement] = []
        for e in tr.elements {
            switch e.name {
            case "tc": out.append(e)
            case "sdt": if let c = e.firstChild(named: "sdtContent") { out += cellsOf(c) }
            case "customXml": out += cellsOf(e)
            default: continue
            }
        }
        return out
    }

    /// A cell's paragraphs (and nested tables' cells) as one line of text.
    static func cellText(_ container: XMLElement) -> String {
        var parts: [String] = []
        for e in container.elements {
            switch e.name {
            case "p":
                let p = DOCXParagraphText(e)
                let t = p.text
                if !t.isEmpty { parts.append(t) }
                for box in p.textBoxes {
                    let b = cellText(box)
                    if !b.isEmpty { parts.append(b) }
                }
            case "tbl":
                for tr in rows(e) {
                    for tc in cellsOf(tr) {
                        let t = cellText(tc)
                        if !t.isEmpty { parts.append(t) }
                    }
                }
            case "sdt":
                if let c = e.firstChild(named: "sdtContent") { let t = cellText(c); if !t.isEmpty { parts.append(t) } }
            case "customXml":
                let t = cellText(e)
                if !t.isEmpty { parts.append(t) }
            default:
                continue
            }
        }
        return parts.joined(separator: " ").replacingLineBreaks()
    }
}
