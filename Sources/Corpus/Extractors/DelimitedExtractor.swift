// CSV and TSV (RFC 4180 quoting, CRLF or LF, quoted newlines): the first row names the columns and
// every other row becomes its own table row "column: value; ...", with its exact line span, so the
// chunker packs rows without cutting one and citations point at the rows.

public enum DelimitedExtractor {
    /// - Parameter separator: "," for CSV, "\t" for TSV; nil guesses from the first line.
    public static func extract(_ text: String, separator: Character? = nil) -> Document {
        let sep = separator ?? guess(text)
        let rows = parse(text, separator: sep)
        guard let header = rows.first else { return Document(blocks: []) }
        var blocks: [Block] = []
        if rows.count == 1 {
            let line = header.cells.joined(separator: "; ")
            if !line.isEmpty { blocks.append(Block(.paragraph, line, span: SourceSpan(lineStart: header.line, lineEnd: header.lastLine))) }
            return Document(blocks: blocks)
        }
        for r in rows.dropFirst() {
            let rendered = TableRendering.row(header: header.cells, cells: r.cells)
            if rendered.isEmpty { continue }
            blocks.append(Block(.table(caption: nil, rows: [rendered]), rendered, span: SourceSpan(lineStart: r.line, lineEnd: r.lastLine)))
        }
        return Document(blocks: blocks)
    }

    struct Row { var cells: [String]; var line: Int; var lastLine: Int }

    static func guess(_ text: String) -> Character {
        let first = text.prefix { $0 != "\n" && $0 != "\r\n" }
        let tabs = first.filter { $0 == "\t" }.count
        let commas = first.filter { $0 == "," }.count
        let semis = first.filter { $0 == ";" }.count
        if tabs >= commas && tabs >= semis && tabs > 0 { return "\t" }
        return semis > commas ? ";" : ","
    }

    /// Splits into rows and cells; a malformed quote is taken literally rather than failing.
    static func parse(_ text: String, separator: Character) -> [Row] {
        var rows: [Row] = []
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var line = 1, rowLine = 1
        var chars = text.makeIterator()
        var pending: Character? = nil
        func endRow() {
            cells.append(cell)
            cell = ""
            if !(cells.count == 1 && cells[0].isEmpty) {
                rows.append(Row(cells: cells.map { $0.trimmingCharacters() }, line: rowLine, lastLine: line))
            }
            cells = []
        }
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = chars.next() {
                        if n == "\"" { cell.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else {
                    if c == "\n" || c == "\r\n" || c == "\r" { line += 1 }
                    cell.append(c == "\r\n" ? "\n" : c)
                }
                continue
            }
            switch c {
            case "\"" where cell.allSatisfy({ $0 == " " }):
                cell = ""
                quoted = true
            case separator:
                cells.append(cell)
                cell = ""
            case "\n", "\r\n", "\r":
                endRow()
                line += 1
                rowLine = line
            default:
                cell.append(c)
            }
        }
        if !cell.isEmpty || !cells.isEmpty { endRow() }
        return rows
    }
}
