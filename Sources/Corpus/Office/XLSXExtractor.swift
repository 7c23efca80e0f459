// XLSX (SpreadsheetML, ECMA-376 Part 1, 18) to blocks: worksheets in workbook order, cell values
// from shared strings, inline strings, numbers, booleans, errors and cached formula results, dates
// recognised by their number format. Rows become blocks in SheetTable; values are formatted here.
import XML

/// Extracts the cell text of Excel workbooks (.xlsx, .xlsm, .xltx).
///
/// Each sheet yields a heading "Sheet: NAME" and one table block per non-empty row, its first
/// non-empty row naming the columns; the locator is the row's cell range ("sheet Budget!A2:D2").
/// Numbers appear as stored; a number whose format shows a date becomes an ISO 8601 date; a
/// formula shows its cached value, or "=FORMULA" when the file has none. Sheets past
/// `OfficeLimits.maxCellsPerSheet` (or the workbook past `maxCellsPerWorkbook`, or a sheet part
/// past `maxSheetXMLBytes`) are cut, and a note paragraph at the cut says so: the file is indexed
/// partially rather than refused.
public enum XLSXExtractor {
    /// - Throws: as `read`.
    public static func extract(_ bytes: [UInt8], limits: OfficeLimits = .standard) throws -> Document {
        try read(bytes, limits: limits).document
    }

    /// The document with counts of sheets and cells, and which sheets were cut.
    /// - Throws: `CorpusError.officeCompoundFile` (password-protected or legacy .xls),
    ///   `.officePartMissing` (workbook or a listed sheet), `.officePartMalformed`,
    ///   `.officeWrongType`, and the ZIP reader's errors.
    public static func read(_ bytes: [UInt8], limits: OfficeLimits = .standard) throws -> SpreadsheetExtraction {
        let package = try OfficePackage(bytes, format: .xlsx, limits: limits)
        let main = try package.mainPart(fallback: "xl/workbook.xml", accepted: ["spreadsheetml", "ms-excel"])
        let workbook = try package.requiredXML(main)
        let rels = try package.relationships(of: main)
        let date1904 = workbook.child("workbookPr")?.attr("date1904").map { $0 == "1" || $0 == "true" } ?? false
        let stringsPart = rels.first { $0.isType("sharedStrings") }?.target ?? "xl/sharedStrings.xml"
        let strings = try package.xml(stringsPart).map { $0.children(named: "si").map(richText) } ?? []
        let stylesPart = rels.first { $0.isType("styles") }?.target ?? "xl/styles.xml"
        let cellValues = XLSXCellValues(strings: strings, dateStyles: dateStyles(try package.optionalXML(stylesPart)),
                                        date1904: date1904)
        var byID: [String: OPCRelationship] = [:]
        for r in rels { byID[r.id] = r }

        var blocks: [Block] = []
        var names: [String] = []
        var truncated: [String] = []
        var remaining = limits.maxCellsPerWorkbook
        for sheet in workbook.child("sheets")?.children(named: "sheet") ?? [] {
            let name = sheet.attr("name") ?? "Sheet\(names.count + 1)"
            // Chart, dialog and macro sheets hold no cells (18.2.19 sheet, via its relationship type).
            guard let rid = sheet.attributes.first(where: { $0.name.hasSuffix(":id") })?.value,
                  let rel = byID[rid], rel.isType("worksheet"), let part = rel.target else { continue }
            names.append(name)
            guard var data = try package.bytes(part) else {
                throw CorpusError.officePartMissing(format: .xlsx, part: part)
            }
            var builder = SheetBuilder(name: name, budget: min(limits.maxCellsPerSheet, remaining))
            var recover = false
            if data.count > limits.maxSheetXMLBytes {
                data = cutAtRowEnd(data, limit: limits.maxSheetXMLBytes)
                builder.cut()
                recover = true
            }
            let root = try package.parse(data, part: part, recover: recover)
            var previousRow = 0
            for row in root.child("sheetData")?.children(named: "row") ?? [] where builder.accepting {
                let number = row.attr("r").flatMap { Int($0) }.map { min(max($0, 1), CellReference.maxRow) } ?? previousRow + 1
                previousRow = number
                var cells: [(column: Int, value: String)] = []
                var previousColumn = 0
                for c in row.children(named: "c") {
                    let column = c.attr("r").flatMap(CellReference.parse)?.column ?? previousColumn + 1
                    previousColumn = column
                    if let v = cellValues.value(c) { cells.append((column, v)) }
                }
                builder.add(row: number, cells: cells)
            }
            remaining -= builder.cells
            if builder.truncated { truncated.append(name) }
            blocks += builder.finish(limitNote: "Sheet \(name) is cut here: the rest of it is too large to index "
                                     + "(limits: \(limits.maxCellsPerSheet) cells per sheet, \(limits.maxCellsPerWorkbook) per workbook, "
                                     + "\(limits.maxSheetXMLBytes) bytes of sheet XML).")
        }
        let document = Document(title: try package.coreTitle(), blocks: blocks)
        return SpreadsheetExtraction(document: document, sheets: names, cells: limits.maxCellsPerWorkbook - remaining,
                                     truncatedSheets: truncated)
    }

    /// The text of a shared or inline string (18.4.8 si, 18.3.1.53 is): plain t, or the t of
    /// each rich-text run; phonetic guides (rPh) are left out.
    static func richText(_ si: XMLElement) -> String {
        var out = ""
        for e in si.elements {
            switch e.name {
            case "t": out += e.textContent
            case "r": out += e.firstChild(named: "t")?.textContent ?? ""
            default: continue
            }
        }
        return unescaped(out)
    }

    /// ST_Xstring escapes characters XML cannot carry as _xHHHH_ (22.9.2.19), e.g. _x000D_.
    static func unescaped(_ s: String) -> String {
        guard s.contains("_x") else { return s }
        var out = String.UnicodeScalarView()
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "_", i + 6 < scalars.count, scalars[i + 1] == "x", scalars[i + 6] == "_",
               let v = UInt32(String(String.UnicodeScalarView(scalars[(i + 2)..<(i + 6)])), radix: 16),
               let u = Unicode.Scalar(v) {
                out.append(u)
                i += 7
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    /// Cell style index → date style, from cellXfs and custom numFmts (18.8.10, 18.8.31).
    static func dateStyles(_ styles: XMLElement?) -> [Int: DateStyle] {
        guard let styles else { return [:] }
        var custom: [Int: DateStyle] = [:]
        for f in styles.child("numFmts")?.children(named: "numFmt") ?? [] {
            if let id = f.attr("numFmtId").flatMap({ Int($0) }), let code = f.attr("formatCode") {
                custom[id] = SpreadsheetDates.style(ofFormatCode: code)
            }
        }
        var out: [Int: DateStyle] = [:]
        for (i, xf) in (styles.child("cellXfs")?.children(named: "xf") ?? []).enumerated() {
            guard let id = xf.attr("numFmtId").flatMap({ Int($0) }) else { continue }
            // A custom definition overrides a built-in id (producers do redefine 14-22).
            let style = custom.keys.contains(id) ? custom[id] ?? nil : SpreadsheetDates.builtIn(id)
            if let style { out[i] = style }
        }
        return out
    }

    /// The bytes up to the end of the last complete row before `limit`, with the sheetData and
    /// worksheet elements closed again, so a huge sheet is read up to a row boundary.
    static func cutAtRowEnd(_ data: [UInt8], limit: Int) -> [UInt8] {
        let tag = Array("row>".utf8)
        var i = min(limit, data.count) - tag.count
        while i > 1 {
            if data[i..<(i + 4)].elementsEqual(tag) {
                // Back over an optional prefix ("x:") to the "</".
                var j = i - 1
                if data[j] == UInt8(ascii: ":") {
                    j -= 1
                    while j > 0, data[j] != UInt8(ascii: "/"), data[j] != UInt8(ascii: "<"), i - j < 32 { j -= 1 }
                }
                if j >= 1, data[j] == UInt8(ascii: "/"), data[j - 1] == UInt8(ascii: "<") {
                    let prefix = Array(data[(j + 1)..<i])
                    return Array(data[..<(i + 4)]) + Array("</".utf8) + prefix + Array("sheetData></".utf8) + prefix + Array("worksheet>".utf8)
                }
            }
            i -= 1
        }
        return Array("<worksheet/>".utf8)
    }
}

/// Turns one c element into the text it shows.
struct XLSXCellValues {
    let strings: [String]
    let dateStyles: [Int: DateStyle]
    let date1904: Bool

    /// The cell's value as text (18.3.1.4 c, 18.18.11 ST_CellType), nil when it has none.
    func value(_ c: XMLElement) -> String? {
        // An empty <v/> (openpyxl writes one for every formula) is no cached value.
        let v = c.firstChild(named: "v")?.textContent.trimmingCharacters().nilIfEmpty
        switch c.attr("t") ?? "n" {
        case "s":
            guard let v, let i = Int(v), strings.indices.contains(i) else { return nil }
            return strings[i]
        case "inlineStr":
            return c.firstChild(named: "is").map(XLSXExtractor.richText) ?? v
        case "str":
            // A cached empty string is a formula showing nothing, not a missing value.
            if c.firstChild(named: "v") != nil { return v.map(XLSXExtractor.unescaped) }
            return formula(c)
        case "b":
            guard let v else { return formula(c) }
            return v == "1" || v == "true" ? "TRUE" : "FALSE"
        case "e":
            return v ?? formula(c)
        case "d":
            // An ISO 8601 date (18.17.4), shown in the form other dates take here.
            return v.map(ODFSheets.isoDate) ?? formula(c)
        default:
            guard let v else { return formula(c) }
            let written = v
            if let s = c.attr("s").flatMap({ Int($0) }), let style = dateStyles[s], let serial = Double(written),
               let iso = SpreadsheetDates.iso(serial: serial, style: style, date1904: date1904) {
                return iso
            }
            return written
        }
    }

    /// A formula without a cached value shows as "=FORMULA"; a shared formula's followers have
    /// no text of their own and show nothing.
    private func formula(_ c: XMLElement) -> String? {
        guard let f = c.firstChild(named: "f")?.textContent.trimmingCharacters(), !f.isEmpty else { return nil }
        return "=" + f
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
