// HTML and XML through the real pipelines/ingest.toml: the extract.html and extract.xml stages
// take their files, page chrome stays out of the index, and the text is found by BM25.
import Index
import Posix
import Stages
import Testing
import TestSupport

@Suite struct MarkupIngestTests {
    @Test func htmlAndXMLAreIngestedAndSearchable() throws {
        let f = try IngestRunnerTests.Fixture()
        try f.write("site/page.html", """
            <!DOCTYPE html>
            <html><head><title>Wildlife handbook</title><script>var zebrafinch = 1;</script></head>
            <body>
            <nav><a href="/">Wombatnav home</a></nav>
            <h1>Festivals</h1>
            <p>The capybara festival is held every <b>June</b>.</p>
            <table><tr><th>Animal</th><th>Keeper</th></tr><tr><td>Okapi</td><td>Ruth</td></tr></table>
            </body></html>
            """)
        try f.write("data/controls.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <catalog>
              <control id="q-1">
                <title>Quokka sanctuary</title>
                <part><p>Visitors must stay on the marked paths.</p></part>
              </control>
            </catalog>
            """)
        let r = try f.ingest()
        #expect(r.added == 2, "\(r.problems)")
        #expect(r.problems.isEmpty, "\(r.problems)")

        let capybara = try f.index.read { try $0.searchLexical("capybara festival", limit: 5) }
        #expect(capybara.first?.documents.map(\.path) == [f.root + "/site/page.html"])
        #expect(capybara.first?.documents.first?.title == "Wildlife handbook")
        #expect(capybara.first?.span.lineStart == 6)
        let okapi = try f.index.read { try $0.searchLexical("Okapi keeper", limit: 5) }
        #expect(okapi.first?.text.contains("Animal: Okapi; Keeper: Ruth") == true)

        // The control's title finds its prose (the title is in the chunk's heading path).
        let quokka = try f.index.read { try $0.searchLexical("quokka sanctuary", limit: 5) }
        #expect(quokka.first?.documents.map(\.path) == [f.root + "/data/controls.xml"])
        #expect(quokka.first?.text.contains("stay on the marked paths") == true)

        for chrome in ["Wombatnav", "zebrafinch"] {
            #expect(try f.index.read { try $0.searchLexical(chrome, limit: 5) }.isEmpty, "\(chrome) should not be indexed")
        }
        #expect(try f.index.read { try $0.entry(path: f.root + "/site/page.html") }?.extractor == "extract.html")
        #expect(try f.index.read { try $0.entry(path: f.root + "/data/controls.xml") }?.extractor == "extract.xml")
    }

    @Test func brokenXMLIsSalvagedAndEmptyHTMLIsReported() throws {
        let f = try IngestRunnerTests.Fixture()
        try f.write("sloppy.xml", "<notes><note>The platypus <b>lays eggs</note>")
        try f.write("blank.html", "   \n  ")
        let r = try f.ingest()
        #expect(r.added == 1)
        #expect(try f.index.read { try $0.searchLexical("platypus", limit: 5) }.count == 1)
        let reasons = r.problems.map(\.reason)
        #expect(reasons.count == 1 && reasons.allSatisfy { $0.contains("blank.html") || $0.contains("empty") }, "\(reasons)")
    }
}
