// DrawingML text (ECMA-376 Part 1, 21.1) as PPTX slides and notes hold it: a text body's paragraphs
// with their outline level and bullet setting, and a:tbl tables rendered row by row. Which shape
// is a title or a note is PPTXExtractor's business.
import XML

/// One a:p of a text body.
struct DrawingParagraph {
    var text: String
    /// a:pPr lvl, 0-8.
    var level: Int
    /// True with a:buChar / a:buAutoNum / a:buBlip, false with a:buNone, nil when inherited.
    var bullet: Bool?
}

enum DrawingMLText {
    /// The non-empty paragraphs of a text body (p:txBody, a:txBody).
    static func paragraphs(_ txBody: XMLElement) -> [DrawingParagraph] {
        var out: [DrawingParagraph] = []
        for p in txBody.children(named: "p") {
            var raw = ""
            gather(p, into: &raw)
            let text = InlineText.normalize(raw)
            guard !text.isEmpty else { continue }
            let pPr = p.firstChild(named: "pPr")
            var bullet: Bool?
            if pPr?.firstChild(named: "buNone") != nil { bullet = false }
            if pPr?.firstChild(named: "buChar") != nil || pPr?.firstChild(named: "buAutoNum") != nil
                || pPr?.firstChild(named: "buBlip") != nil { bullet = true }
            let level = min(max(pPr?.attr("lvl").flatMap { Int($0) } ?? 0, 0), 8)
            out.append(DrawingParagraph(text: text, level: level, bullet: bullet))
        }
        return out
    }

    /// Runs (a:r), fields (a:fld, e.g. a slide number or date) and breaks (a:br) in order.
    private static func gather(_ e: XMLElement, into raw: inout String) {
        for case let .element(c) in e.children {
            switch c.name {
            case "t": raw += c.textContent
            case "br": raw.append(InlineBuffer.lineBreak)
            case "pPr", "rPr", "endParaRPr": continue
            default: gather(c, into: &raw)
            }
        }
    }

    /// A text body's paragraphs as one line (table cells, titles).
    static func line(_ txBody: XMLElement?) -> String {
        guard let txBody else { return "" }
        return paragraphs(txBody).map(\.text).joined(separator: " ").replacingLineBreaks()
    }

    /// An a:tbl (21.1.3.13): the first row names the columns, each other row is rendered by
    /// TableRendering. Horizontal merges (gridSpan / hMerge) leave the text in the first cell;
    /// vertical merges (rowSpan / vMerge) repeat it on each row, so every row reads on its own.
    static func table(_ tbl: XMLElement) -> (header: [String], rows: [String]) {
        var grid: [[String]] = []
        var firstRowContinuations: Set<Int> = []
        var above: [Int: String] = [:]
        for tr in tbl.children(named: "tr") {
            var cells: [String] = []
            for tc in tr.children(named: "tc") {
                let column = cells.count
                if isOn(tc.attr("hMerge")) {
                    if grid.isEmpty { firstRowContinuations.insert(column) }
                    cells.append("")
                    continue
                }
                var text = line(tc.firstChild(named: "txBody"))
                if isOn(tc.attr("vMerge")) { text = above[column] ?? text }
                above[column] = text
                cells.append(text)
            }
            grid.append(cells)
        }
        guard let first = grid.first else { return ([], []) }
        // A header cell spanning columns names each of them.
        var header = first
        for k in header.indices.dropFirst() where firstRowContinuations.contains(k) { header[k] = header[k - 1] }
        var rows = grid.dropFirst().map { TableRendering.row(header: header, cells: $0) }.filter { !$0.isEmpty }
        if rows.isEmpty, first.contains(where: { !$0.isEmpty }) { rows = [first.filter { !$0.isEmpty }.joined(separator: "; ")] }
        return (header, rows)
    }

    /// xsd:boolean attributes: "1" or "true".
    private static func isOn(_ v: String?) -> Bool { v == "1" || v == "true" }
}
