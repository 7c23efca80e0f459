// One worksheet (XLSX or ODS) to blocks: a "Sheet: NAME" heading, the first non-empty row as the
// column names, then one table block per data row whose locator is its cell range, within the
// cell budgets of OfficeLimits. Reading cells out of each format is the extractors' business.

/// What a spreadsheet extraction produced, with the facts a report or test wants.
public struct SpreadsheetExtraction: Sendable {
    public var document: Document
    /// Sheet names in workbook order (chart sheets excluded).
    public var sheets: [String]
    /// Non-empty cells read.
    public var cells: Int
    /// Sheets cut short by a limit (their last block is a note saying so).
    public var truncatedSheets: [String]
}

struct SheetBuilder {
    let name: String
    /// Cells this sheet may still take: the smaller of the per-sheet and remaining workbook budgets.
    private var budget: Int
    private(set) var blocks: [Block]
    private(set) var cells = 0
    /// The cell budget ran out: later rows are refused.
    private var exhausted = false
    /// Cut by another limit (the sheet's XML size): rows are still taken, the note is added.
    private var cutElsewhere = false
    var truncated: Bool { exhausted || cutElsewhere }
    private var header: [Int: String]?
    private var headerRow: (row: Int, cells: [(column: Int, value: String)])?
    private var dataRows = 0

    init(name: String, budget: Int) {
        self.name = name
        self.budget = budget
        blocks = [Block(.heading(level: 2), "Sheet: \(name)", span: SourceSpan(locator: "sheet \(CellReference.quoted(name))"))]
    }

    /// True while the budget lasts; once it returns false the caller stops feeding rows.
    var accepting: Bool { !exhausted }

    /// Adds row `row` (1-based) with cells in any order; blank values are ignored and a row with
    /// none is skipped. Returns false once the budget is spent (the row is then cut).
    @discardableResult
    mutating func add(row: Int, cells raw: [(column: Int, value: String)]) -> Bool {
        guard !exhausted else { return false }
        var values: [(column: Int, value: String)] = []
        for c in raw {
            let v = InlineText.normalize(c.value)
            if !v.isEmpty { values.append((c.column, v)) }
        }
        guard !values.isEmpty else { return true }
        if budget == 0 {
            exhausted = true
            return false
        }
        if values.count > budget {
            values = Array(values.prefix(budget))
            exhausted = true
        }
        budget -= values.count
        cells += values.count
        values.sort { $0.column < $1.column }
        if header == nil {
            header = Dictionary(values.map { ($0.column, $0.value) }, uniquingKeysWith: { a, _ in a })
            headerRow = (row, values)
        } else {
            let names = values.map { header?[$0.column] ?? "" }
            let text = TableRendering.row(header: names, cells: values.map(\.value))
            append(row: row, values: values, text: text)
            dataRows += 1
        }
        return !exhausted
    }

    /// Marks the sheet as cut by a limit other than the cell budget (e.g. its XML size).
    mutating func cut() { cutElsewhere = true }

    /// The sheet's blocks, ending with a note when it was cut. A sheet holding only its header
    /// row gets that row as its one table block.
    mutating func finish(limitNote: String) -> [Block] {
        if dataRows == 0, let (row, values) = headerRow {
            append(row: row, values: values, text: values.map(\.value).joined(separator: "; "))
        }
        if truncated {
            blocks.append(Block(.paragraph, limitNote, span: SourceSpan(locator: "sheet \(CellReference.quoted(name))")))
        }
        return blocks
    }

    private mutating func append(row: Int, values: [(column: Int, value: String)], text: String) {
        guard let first = values.first?.column, let last = values.last?.column, !text.isEmpty else { return }
        let locator = CellReference.locator(sheet: name, row: row, first: first, last: last)
        blocks.append(Block(.table(caption: nil, rows: [text]), text, span: SourceSpan(locator: locator)))
    }
}
