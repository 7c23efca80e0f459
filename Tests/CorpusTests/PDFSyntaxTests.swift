// PDF syntax through the public extractor: string escapes, names with #xx, hex strings, numbers,
// comments, text operators and positioning, encodings and ToUnicode CMaps, each in a tiny page.
import Corpus
import Testing

@Suite struct PDFSyntaxTests {
    func text(_ content: String, font: String? = nil, extra: [Int: String] = [:], resources: String = "") throws -> String {
        let bytes = font.map { PDFBuild.page(content, font: $0, extra: extra, resources: resources) }
            ?? PDFBuild.page(content, extra: extra, resources: resources)
        return try PDFExtractor.extract(bytes).plainText
    }

    @Test func literalStringEscapes() throws {
        // \( \) \\ escapes, octal \101, balanced parentheses, and a backslash-newline continuation.
        let content = "BT /F1 12 Tf 72 700 Td (a\\(b\\)c \\\\ d \\101\\102C (nested) x\\\ny) Tj ET"
        #expect(try text(content) == #"a(b)c \ d ABC (nested) xy"#)
    }

    @Test func hexStringsAndOddDigits() throws {
        #expect(try text("BT /F1 12 Tf 72 700 Td <48 65 6C 6c 6F 2> Tj ET") == "Hello")
    }

    @Test func namesWithHexEscapes() throws {
        // /F#31 is the name F1 (ISO 32000-1 §7.3.5).
        #expect(try text("BT /F#31 12 Tf 72 700 Td (named) Tj ET") == "named")
    }

    @Test func commentsAndOddNumbers() throws {
        #expect(try text("% a comment (not text) Tj\nBT /F1 12. Tf +72 -.5 Td (x) Tj % trailing\nET") == "x")
    }

    @Test func kerningAdjustmentsMakeSpaces() throws {
        // -250 thousandths is a word gap; -20 is kerning inside a word.
        #expect(try text("BT /F1 12 Tf 72 700 Td [(Wo) -20 (rd) -250 (gap)] TJ ET") == "Word gap")
    }

    @Test func quoteOperatorsMoveToTheNextLine() throws {
        let t = try text("BT /F1 12 Tf 14 TL 72 700 Td (one) Tj (two) ' 1 0 (three) \" ET")
        #expect(t == "one two three")
    }

    @Test func linesAreOrderedByBaselineThenX() throws {
        // Drawn right half first, then left half of the same line, then the line above.
        let c = "BT /F1 12 Tf 1 0 0 1 150 700 Tm (world) Tj 1 0 0 1 72 700 Tm (hello) Tj ET"
        #expect(try text(c) == "hello world")
    }

    @Test func matrixScalingKeepsOneLine() throws {
        // The CTM scales by 2: glyph advances and positions must be scaled alike.
        let c = "q 2 0 0 2 0 0 cm BT /F1 6 Tf 36 350 Td (scaled) Tj ( text) Tj ET Q"
        #expect(try text(c) == "scaled text")
    }

    @Test func paragraphsSplitOnVerticalGaps() throws {
        let c = "BT /F1 10 Tf 72 700 Td (First paragraph line one) Tj 0 -12 Td (and line two.) Tj 0 -40 Td (Second paragraph.) Tj ET"
        let doc = try PDFExtractor.extract(PDFBuild.page(c))
        #expect(doc.blocks.map(\.text) == ["First paragraph line one and line two.", "Second paragraph."])
    }

    @Test func hyphenatedLineEndsAreJoined() throws {
        let c = "BT /F1 10 Tf 12 TL 72 700 Td (An extrac-) Tj T* (tion and a Well-) Tj T* (Known name.) Tj ET"
        #expect(try text(c) == "An extraction and a Well- Known name.")
    }

    @Test func bulletsBecomeListItems() throws {
        let c = "BT /F1 10 Tf 12 TL 72 700 Td (\\225 apples) Tj T* (\\225 pears) Tj ET" // 0x95 is the WinAnsi bullet
        let doc = try PDFExtractor.extract(PDFBuild.page(c))
        #expect(doc.blocks.map(\.kind) == [.listItem, .listItem])
        #expect(doc.blocks.map(\.text) == ["apples", "pears"])
    }

    @Test func standardEncodingQuotes() throws {
        let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>" // StandardEncoding by default
        #expect(try text("BT /F1 12 Tf 72 700 Td (`quoted' \\256ne) Tj ET", font: font) == "\u{2018}quoted\u{2019} fine")
    }

    @Test func macRomanEncoding() throws {
        let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /MacRomanEncoding >>"
        #expect(try text("BT /F1 12 Tf 72 700 Td (caf\\216) Tj ET", font: font) == "café")
    }

    @Test func toUnicodeOverridesTheEncoding() throws {
        let cmap = "1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <41> <263A> endbfchar"
        let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 10 0 R >>"
        #expect(try text("BT /F1 12 Tf 72 700 Td (AB) Tj ET", font: font, extra: [10: PDFBuild.stream(cmap)]) == "\u{263A}B")
    }

    @Test func surrogatePairsInToUnicode() throws {
        let cmap = "1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <41> <D83DDE00> endbfchar"
        let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 10 0 R >>"
        #expect(try text("BT /F1 12 Tf 72 700 Td (A) Tj ET", font: font, extra: [10: PDFBuild.stream(cmap)]) == "\u{1F600}")
    }

    @Test func titleInPDFDocEncoding() throws {
        var objs: [Int: String] = [
            1: "<< /Type /Catalog /Pages 2 0 R >>", 2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            4: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", 5: PDFBuild.stream("BT /F1 9 Tf (x) Tj ET"),
        ]
        objs[6] = "<< /Title (Caf\\351 \\204 menu) >>"
        let doc = try PDFExtractor.extract(PDFBuild.file(objs, trailerExtra: "/Info 6 0 R"))
        #expect(doc.title == "Café — menu")
    }

    @Test func inlineImagesAreSkipped() throws {
        let c = "BI /W 4 /H 1 /BPC 8 /CS /G ID \u{1}EI)(\u{2} EI BT /F1 12 Tf 72 700 Td (after image) Tj ET"
        #expect(try text(c) == "after image")
    }
}
