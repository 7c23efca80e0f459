// One file of each office and e-book format through the default pipelines/ingest.toml: each is
// taken by its extract stage, a known sentence from each is found by lexical search, and the hit
// cites the right place (paragraph, slide, cell range, chapter). Chunks pack several blocks, so a
// hit's locator lists the blocks it covers ("sheet Budget!A2:C2; sheet Budget!A3:C3; ...").
import Index
import Pipeline
import Posix
import Stages
import Testing
import TestSupport

@Suite struct OfficeIngestTests {
    /// (file, query, a sentence the hit holds, a locator the hit lists, the hit's page)
    static let cases: [(String, String, String, String, Int?)] = [
        ("report.docx", "colony counted exactly", "The colony counted exactly 120 otters in 2023.", "paragraph 14", nil),
        ("deck.pptx", "fuel costs dropped", "Fuel costs dropped", "slide 2", 2),
        ("budget.xlsx", "equipment 3450.5", "Item: Equipment; Amount: 3450.5; Approved on: 2024-04-01", "sheet Budget!A3:C3", nil),
        ("ledger.xlsx", "invoices due within 30 days", "Note: Invoices are due within 30 days.", "sheet 'Q1 Notes'!A2", nil),
        ("report.odt", "densest fur", "Otters have the densest fur of any animal.", "paragraph 13", nil),
        ("budget.ods", "reserve", "Item: Reserve; Amount: n/a; Approved on: n/a", "sheet Budget!A6:C6", nil),
        ("deck.odp", "survey results north cove", "Site: North Cove; Otters: 14; Date: 2024-05-02", "slide 3", 3),
        ("almanac.epub", "holts along riverbanks", "River otters build dens called holts along riverbanks.", "chap1.xhtml", nil),
    ]

    @Test func eachFormatIsIndexedAndCited() throws {
        let f = try EngineFixture()
        let root = f.root
        for (name, _, _, _, _) in Self.cases {
            try FileSystem.writeAtomically(root + "/" + name, try FileSystem.read(Paths.fixtures + "/office/" + name))
        }
        // A password-protected workbook is an OLE2 compound file, not a ZIP package.
        try FileSystem.writeAtomically(root + "/locked.xlsx", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 504))
        let report = try f.ingest()
        #expect(report.added == Self.cases.count, "\(report.problems)")
        let locked = report.problems.first { $0.path.hasSuffix("locked.xlsx") }
        #expect(locked?.reason.contains("legacy .doc/.xls/.ppt binary format, not supported") == true, "\(String(describing: locked))")

        for (name, query, sentence, locator, page) in Self.cases {
            let hits = try f.index.read { try $0.searchLexical(query, limit: 10) }
            let hit = try #require(hits.first { $0.documents.map(\.path).contains(root + "/" + name) }, "\(name): no hit for \(query)")
            #expect(hit.text.contains(sentence), "\(name): \(hit.text)")
            let listed = (hit.span.locator ?? "").split(separator: ";").map { $0.trimmingCharacters(in: " ") }
            #expect(listed.contains(locator), "\(name): locator \(hit.span.locator ?? "nil")")
            #expect(hit.span.page == page, "\(name): page \(String(describing: hit.span.page))")
        }
        // Slides are pages, so a slide's chunk cites that slide alone.
        let slide = try f.index.read { try $0.searchLexical("fuel costs dropped", limit: 1) }.first
        #expect(slide?.span.locator == "slide 2")
    }
}

private extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
