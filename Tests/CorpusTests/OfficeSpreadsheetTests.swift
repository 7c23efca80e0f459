// Spreadsheet details on hand-built workbooks: date serials in both systems and the number formats
// that make a number a date, cell types, row locators, and the cell and repeat limits (XLSX, ODS).
import Corpus
import Testing

@Suite struct OfficeSpreadsheetTests {
    /// A workbook whose A1 holds "Value" and A2 the number `serial` styled with `format`.
    static func dated(_ serial: String, format: String, date1904: Bool = false) throws -> String {
        let styles = """
            <numFmts><numFmt numFmtId="170" formatCode="\(format)"/></numFmts>\
            <cellXfs><xf numFmtId="0"/><xf numFmtId="170"/><xf numFmtId="14"/></cellXfs>
            """
        var bytes = PackageBuilder.xlsx(rows: """
            <row r="1"><c r="A1" t="inlineStr"><is><t>Value</t></is></c></row><row r="2"><c r="A2" s="1"><v>\(serial)</v></c></row>
            """, styles: styles)
        if date1904 {
            let archive = try ZipArchive(bytes: bytes)
            var p = PackageBuilder()
            for e in archive.entries {
                var data = try archive.read(e)
                if e.name == "xl/workbook.xml" {
                    data = Array(String(decoding: data, as: UTF8.self).replacing("<sheets>", with: "<workbookPr date1904=\"1\"/><sheets>").utf8)
                }
                p.add(e.name, bytes: data)
            }
            bytes = p.archive()
        }
        let doc = try XLSXExtractor.extract(bytes)
        return String(doc.blocks.last?.text.dropFirst("Value: ".count) ?? "")
    }

    @Test(arguments: [
        ("1", "yyyy-mm-dd", "1900-01-01"),
        ("59", "yyyy-mm-dd", "1900-02-28"),
        ("60", "yyyy-mm-dd", "1900-02-29"),   // Lotus 1-2-3's phantom leap day, kept by Excel
        ("61", "yyyy-mm-dd", "1900-03-01"),
        ("45366", "d/m/yyyy", "2024-03-15"),
        ("45366.75", "yyyy-mm-dd hh:mm", "2024-03-15 18:00:00"),
        ("0.5", "hh:mm:ss", "12:00:00"),
        ("1.5", "[h]:mm", "1.5"),               // a duration of 36 hours is no time of day
        ("45366", "[$-409]mmmm d, yyyy;@", "2024-03-15"),
        ("45366", "0.00E+00", "45366"),
        ("45366", "[Red]#,##0.00", "45366"),
        ("45366", "\"Day\" 0", "45366"),
        ("2958466", "yyyy-mm-dd", "2958466"),   // past 9999-12-31
        ("-1", "yyyy-mm-dd", "-1"),
    ])
    func serialsWithFormats(_ serial: String, _ format: String, _ expected: String) throws {
        #expect(try Self.dated(serial, format: format) == expected)
    }

    @Test func the1904System() throws {
        #expect(try Self.dated("0", format: "yyyy-mm-dd", date1904: true) == "1904-01-01")
        #expect(try Self.dated("43904", format: "yyyy-mm-dd", date1904: true) == "2024-03-15")
    }

    @Test func cellTypesAndLocators() throws {
        let strings = "<si><t>Name</t></si><si><r><t>Ri</t></r><r><rPr/><t>ch</t></r><rPh><t>PHONETIC</t></rPh></si><si><t>Line_x000D_break</t></si>"
        let doc = try XLSXExtractor.extract(PackageBuilder.xlsx(sheet: "Q1 'Plan'", rows: """
            <row r="1"><c r="B1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>Flag</t></is></c><c r="D1" t="inlineStr"><is><t>Formula</t></is></c></row>\
            <row r="3"><c r="B3" t="s"><v>1</v></c><c r="C3" t="b"><v>1</v></c><c r="D3" t="str"><f>A1&amp;B1</f><v>joined</v></c></row>\
            <row><c t="s"><v>2</v></c><c t="e"><v>#N/A</v></c><c><f>SUM(A1:A2)</f></c></row>\
            <row r="9"><c r="A9" t="s"><v>99</v></c><c r="B9"/></row>
            """, strings: strings))
        #expect(doc.blocks.map(\.text) == ["Sheet: Q1 'Plan'", "Name: Rich; Flag: TRUE; Formula: joined",
                                           "Line\rbreak; Name: #N/A; Flag: =SUM(A1:A2)"].map { $0.replacing("\r", with: " ") })
        #expect(doc.blocks.map { $0.span.locator ?? "" } == ["sheet 'Q1 ''Plan'''", "sheet 'Q1 ''Plan'''!B3:D3",
                                                              "sheet 'Q1 ''Plan'''!A4:C4"])
    }

    @Test func cellLimitsCutWithANote() throws {
        var rows = ""
        for r in 1...300 { rows += "<row r=\"\(r)\"><c r=\"A\(r)\"><v>\(r)</v></c><c r=\"B\(r)\"><v>\(r * 2)</v></c></row>" }
        let bytes = PackageBuilder.xlsx(rows: rows)
        let whole = try XLSXExtractor.read(bytes)
        #expect(whole.cells == 600 && whole.truncatedSheets.isEmpty)
        let cut = try XLSXExtractor.read(bytes, limits: OfficeLimits(maxCellsPerSheet: 101))
        #expect(cut.cells == 101 && cut.truncatedSheets == ["Data"])
        #expect(cut.document.blocks.dropLast().last?.span.locator == "sheet Data!A51")
        #expect(cut.document.blocks.last?.kind == .paragraph)
        #expect(cut.document.blocks.last?.text.hasPrefix("Sheet Data is cut here") == true)
        // A sheet part past maxSheetXMLBytes is read up to a row boundary.
        let bytesCut = try XLSXExtractor.read(bytes, limits: OfficeLimits(maxSheetXMLBytes: 4000))
        #expect(bytesCut.truncatedSheets == ["Data"])
        #expect((100...140).contains(bytesCut.cells) && bytesCut.cells % 2 == 0)
        let rowsKept = bytesCut.document.blocks.filter { if case .table = $0.kind { return true } else { return false } }
        #expect(rowsKept.last?.text == "1: \(rowsKept.count + 1); 2: \(2 * (rowsKept.count + 1))")
    }

    /// ODS rows and cells repeated a billion times: empty repeats cost nothing, non-empty ones are
    /// copied at most `maxRepeat` times and the cell budget still applies.
    @Test func hostileODSRepeatsStayBounded() throws {
        var p = PackageBuilder()
        p.add("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        p.add("content.xml", """
            <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
            xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">\
            <office:body><office:spreadsheet><table:table table:name="Big">\
            <table:table-row><table:table-cell><text:p>Key</text:p></table:table-cell><table:table-cell><text:p>Value</text:p></table:table-cell></table:table-row>\
            <table:table-row table:number-rows-repeated="1000000000"><table:table-cell table:number-columns-repeated="1000000000"><text:p>x</text:p></table:table-cell></table:table-row>\
            <table:table-row table:number-rows-repeated="999999999"><table:table-cell table:number-columns-repeated="999999999"/></table:table-row>\
            <table:table-row><table:table-cell><text:p>past the last row</text:p></table:table-cell></table:table-row>\
            </table:table></office:spreadsheet></office:body></office:document-content>
            """)
        let clock = ContinuousClock()
        let start = clock.now
        let doc = try ODFExtractor.extract(p.archive(), limits: OfficeLimits(maxCellsPerSheet: 50_000, maxRepeat: 100))
        #expect(clock.now - start < .seconds(10))
        #expect(doc.blocks.count == 101)
        #expect(!doc.plainText.contains("past the last row"))
        let small = try ODFExtractor.extract(p.archive(), limits: OfficeLimits(maxRepeat: 3))
        #expect(small.blocks.map(\.text) == ["Sheet: Big", "Key: x; Value: x; x", "Key: x; Value: x; x", "Key: x; Value: x; x"])
        #expect(small.blocks.last?.span.locator == "sheet Big!A4:C4")
    }

    @Test func odsRepeatedCellsAndRows() throws {
        var p = PackageBuilder()
        p.add("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        p.add("content.xml", """
            <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
            xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">\
            <office:body><office:spreadsheet><table:table table:name="Grid">\
            <table:table-row><table:table-cell table:number-columns-repeated="3"><text:p>H</text:p></table:table-cell></table:table-row>\
            <table:table-row table:number-rows-repeated="5"><table:table-cell table:number-columns-repeated="2"><text:p>v</text:p></table:table-cell></table:table-row>\
            </table:table></office:spreadsheet></office:body></office:document-content>
            """)
        let doc = try ODFExtractor.extract(p.archive(), limits: OfficeLimits(maxCellsPerSheet: 7, maxRepeat: 4))
        // Header H H H (3 cells), then rows 2-5 (copies capped at 4), 2 cells each: budget 7 cuts row 4.
        #expect(doc.blocks.map { $0.span.locator ?? "" } == ["sheet Grid", "sheet Grid!A2:B2", "sheet Grid!A3:B3", "sheet Grid"])
        #expect(doc.blocks[1].text == "H: v; H: v")
    }
}

extension OfficeSpreadsheetTests {
    @Test func isoDateCells() throws {
        let doc = try XLSXExtractor.extract(PackageBuilder.xlsx(rows: """
            <row r="1"><c r="A1" t="inlineStr"><is><t>When</t></is></c></row>\
            <row r="2"><c r="A2" t="d"><v>2024-03-15T00:00:00</v></c></row><row r="3"><c r="A3" t="d"><v>2024-03-15T09:05:00.000Z</v></c></row>
            """))
        #expect(doc.blocks.map(\.text) == ["Sheet: Data", "When: 2024-03-15", "When: 2024-03-15 09:05:00"])
    }
}
