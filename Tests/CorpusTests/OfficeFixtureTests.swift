// The office and e-book extractors against the fixtures written by real tools
// (scripts/fixtures/make_office_fixtures.py): every block's kind, text, locator and page, and the
// title, exactly as the generator's expectation file lists them.
import Corpus
import Testing

@Suite struct OfficeFixtureTests {
    @Test(arguments: OfficeFixtures.files)
    func extractsExactlyTheExpectedBlocks(_ name: String) throws {
        let doc = try OfficeFixtures.extract(OfficeFixtures.bytes(name), name: name)
        let expected = try OfficeFixtures.expected(name)
        #expect(doc.title == expected.title, "\(name) title")
        let got = doc.blocks.map(OfficeFixtures.describe)
        for (i, (g, e)) in zip(got, expected.blocks).enumerated() where g != e {
            Issue.record("\(name) block \(i): got \(g), expected \(e)")
        }
        #expect(got.count == expected.blocks.count, "\(name): \(got.count) blocks, expected \(expected.blocks.count)")
        if got.count > expected.blocks.count {
            for g in got.dropFirst(expected.blocks.count) { Issue.record("\(name) extra block \(g)") }
        }
    }

    @Test func tablesKeepTheirRowsApartForTheChunker() throws {
        let doc = try DOCXExtractor.extract(OfficeFixtures.bytes("report.docx"))
        let tables = doc.blocks.compactMap { b -> (String?, [String])? in
            if case let .table(caption, rows) = b.kind { return (caption, rows) }
            return nil
        }
        #expect(tables.map(\.0) == ["Table 1: Otter species by region", "Table 2: Survey sessions"])
        #expect(tables.map(\.1.count) == [3, 3])
    }

    @Test func notesCanBeLeftOut() throws {
        let docx = try DOCXExtractor.extract(OfficeFixtures.bytes("report.docx"), includeNotes: false)
        #expect(!docx.plainText.contains("hairs per square inch"))
        let pptx = try PPTXExtractor.extract(OfficeFixtures.bytes("deck.pptx"), includeNotes: false)
        #expect(!pptx.plainText.contains("new boat"))
        let odp = try ODFExtractor.extract(OfficeFixtures.bytes("deck.odp"), includeNotes: false)
        #expect(!odp.plainText.contains("new boat"))
    }

    @Test func pageHeadersAreNotText() throws {
        for name in ["report.docx", "report.odt"] {
            let doc = try OfficeFixtures.extract(OfficeFixtures.bytes(name), name: name)
            #expect(!doc.plainText.contains("CONFIDENTIAL"), "\(name)")
        }
    }

    @Test func spreadsheetCountsAreReported() throws {
        let r = try XLSXExtractor.read(OfficeFixtures.bytes("budget.xlsx"))
        #expect(r.sheets == ["Budget", "Staff"])
        #expect(r.cells == 20)
        #expect(r.truncatedSheets.isEmpty)
    }
}
