// HTML extraction pinned on hand-written fixtures (Tests/Fixtures/html): the exact block list with
// kinds, texts and line spans; chrome, scripts and forms gone; tables rendered row by row.
import Corpus
import Posix
import Testing
import TestSupport

@Suite struct HTMLExtractorTests {
    static func fixture(_ name: String) throws -> Document {
        let path = Paths.fixtures + "/html/" + name
        return try HTMLExtractor.extract(try FileSystem.read(path), path: path)
    }

    static func span(_ a: Int, _ b: Int) -> SourceSpan { SourceSpan(lineStart: a, lineEnd: b) }

    @Test func articleBlocks() throws {
        let doc = try Self.fixture("article.html")
        #expect(doc.title == "Leave Policy & Holidays")
        let expected: [Block] = [
            Block(.heading(level: 1), "Leave policy", span: Self.span(13, 13)),
            Block(.paragraph, "Employees get 25 days of paid leave per year — see carry-over.", span: Self.span(14, 15)),
            Block(.heading(level: 2), "Carry-over", span: Self.span(16, 16)),
            Block(.listItem, "Up to 5 days carry over.", span: Self.span(18, 18)),
            Block(.listItem, "Requests go to:", span: Self.span(19, 19)),
            Block(.listItem, "your manager,", span: Self.span(21, 21)),
            Block(.listItem, "then HR (in writing).", span: Self.span(22, 22)),
            Block(.listItem, "Unused days lapse on 31 March.", span: Self.span(25, 25)),
            Block(.paragraph, "Office address:\n1 Main Street\nSpringfield", span: Self.span(27, 27)),
            Block(.code, "  days = 25\n  carry = min(left, 5)", span: Self.span(28, 31)),
            Block(.paragraph, "Your email", span: Self.span(33, 33)),
        ]
        #expect(doc.blocks.count == expected.count)
        for (got, want) in zip(doc.blocks, expected) { #expect(got == want) }
        let text = doc.plainText
        for gone in ["secret", "color", "Acme Intranet", "Home", "Enable JavaScript", "input text", "Send", "Copyright"] {
            #expect(!text.contains(gone), "\(gone) should have been dropped")
        }
    }

    @Test func tableBlocks() throws {
        let doc = try Self.fixture("tables.html")
        #expect(doc.title == "Rates")
        let allowance = ["City: Paris; Hotel: 180; Meals: 60", "City: Berlin; Hotel: 150", "City: Elsewhere: ask; Meals: 40"]
        let expected: [Block] = [
            Block(.heading(level: 2), "Travel rates", span: Self.span(3, 3)),
            Block(.table(caption: "Daily allowance (EUR)", rows: allowance), (["Daily allowance (EUR)"] + allowance).joined(separator: "\n"),
                  span: Self.span(4, 14)),
            Block(.table(caption: nil, rows: ["Grade: A senior; Class: Business"]), "Grade: A senior; Class: Business", span: Self.span(15, 18)),
            Block(.table(caption: nil, rows: ["loose; cells"]), "loose; cells", span: Self.span(19, 19)),
            Block(.paragraph, "Text after", span: Self.span(20, 20)),
            Block(.table(caption: nil, rows: ["inner"]), "inner", span: Self.span(20, 20)),
            Block(.paragraph, "the tables.", span: Self.span(20, 20)),
        ]
        #expect(doc.blocks.count == expected.count)
        for (got, want) in zip(doc.blocks, expected) { #expect(got == want) }
    }

    @Test func sphinxChromeIsDropped() throws {
        let doc = try Self.fixture("sphinx.html")
        #expect(doc.title == "3. Binary packages — Manual v1.0")
        let expected: [Block] = [
            Block(.heading(level: 1), "3. Binary packages", span: Self.span(14, 14)),
            Block(.paragraph, "Every package must have a maintainer. 1", span: Self.span(15, 16)),
            Block(.paragraph, "1", span: Self.span(18, 18)),
            Block(.paragraph, "See the developer reference.", span: Self.span(19, 19)),
        ]
        #expect(doc.blocks.count == expected.count)
        for (got, want) in zip(doc.blocks, expected) { #expect(got == want) }
        for gone in ["Navigation", "index", "¶", "Table of Contents", "Sphinx"] { #expect(!doc.plainText.contains(gone)) }
    }

    @Test func titleFallsBackToFirstH1AndHeaderInsideArticleStays() throws {
        let html = "<body><header>Site</header><article><header><h1>Real title</h1></header><p>Body.</p><footer>By Ann</footer></article></body>"
        let doc = try HTMLExtractor.extract(Array(html.utf8), path: "t.html")
        #expect(doc.title == "Real title")
        #expect(doc.blocks.map(\.text) == ["Real title", "Body.", "By Ann"])
    }

    @Test func errorsBecomeCorpusErrors() throws {
        #expect(throws: CorpusError.binaryContent(path: "b.html")) { try HTMLExtractor.extract([0x3C, 0x00, 0x01], path: "b.html") }
        #expect(throws: CorpusError.self) { try HTMLExtractor.extract(Array("  \n".utf8), path: "e.html") }
        #expect(throws: CorpusError.self) { try XMLExtractor.extract(Array("<!-- only a comment -->".utf8), path: "x.xml") }
    }

    @Test func xmlHeadingsAtSectionDepthAndParagraphs() throws {
        let xml = """
            <book>
              <info><title>Handbook</title></info>
              <chapter>
                <title>Leave</title>
                <para>You get <emphasis>25</emphasis> days.</para>
                <section>
                  <title>Carry-over</title>
                  <para>Five days
                  carry over.</para>
                  <!-- not text -->
                  <note><para>Ask HR.</para></note>
                </section>
              </chapter>
            </book>
            """
        let doc = try XMLExtractor.extract(Array(xml.utf8), path: "h.xml")
        #expect(doc.title == "Handbook")
        let expected: [Block] = [
            Block(.heading(level: 1), "Handbook", span: Self.span(2, 2)),
            Block(.heading(level: 1), "Leave", span: Self.span(4, 4)),
            Block(.paragraph, "You get 25 days.", span: Self.span(5, 5)),
            Block(.heading(level: 2), "Carry-over", span: Self.span(7, 7)),
            Block(.paragraph, "Five days carry over.", span: Self.span(8, 9)),
            Block(.paragraph, "Ask HR.", span: Self.span(11, 11)),
        ]
        #expect(doc.blocks == expected)
    }

    @Test func sloppyXMLIsSalvaged() throws {
        let doc = try XMLExtractor.extract(Array("<doc><title>T</title><p>one<p>two</doc>".utf8), path: "s.xml")
        #expect(doc.plainText.contains("one") && doc.plainText.contains("two"))
    }
}
