// The PDF extractor against the generated fixtures (scripts/fixtures/make_pdf_fixtures.py): each
// expected sentence appears on its page, each expected error is the expected case.
import Corpus
import Testing

@Suite struct PDFFixtureTests {
    @Test func expectationsFileIsPresent() {
        #expect(PDFFixtures.expectations.count >= 40)
    }

    @Test(arguments: PDFFixtures.expectations)
    func expectation(_ e: PDFFixtures.Expectation) throws {
        let bytes = try PDFFixtures.bytes(e.file)
        switch e.key {
        case "error":
            do {
                _ = try PDFExtractor.extract(bytes)
                Issue.record("\(e.file): expected \(e.value), got text")
            } catch {
                #expect(PDFFixtures.caseName(error) == e.value, "\(e.file): \(error)")
            }
        case "title":
            #expect(try PDFExtractor.extract(bytes).title == e.value)
        default:
            let doc = try PDFExtractor.extract(bytes)
            let page = Int(e.key)
            let text = doc.blocks.filter { $0.span.page == page }.map(\.text).joined(separator: " ")
            #expect(text.contains(e.value), "\(e.file) page \(e.key): \(text.prefix(300))")
        }
    }

    @Test func pagesAreNumberedFromOne() throws {
        let r = try PDFExtractor.read(PDFFixtures.bytes("multipage.pdf"))
        #expect(r.pageCount == 3 && r.pagesWithText == 3)
        #expect(Set(r.document.blocks.compactMap(\.span.page)) == [1, 2, 3])
        let headings = r.document.blocks.filter { if case .heading = $0.kind { return true }; return false }
        #expect(headings.map(\.text) == ["Part 1", "Part 2", "Part 3"])
        #expect(headings.map(\.span.page) == [1, 2, 3])
    }

    @Test func compressedAndUncompressedAgree() throws {
        let a = try PDFExtractor.extract(PDFFixtures.bytes("multipage.pdf"))
        let b = try PDFExtractor.extract(PDFFixtures.bytes("multipage-uncompressed.pdf"))
        #expect(a == b)
    }

    @Test func columnsStayApart() throws {
        let doc = try PDFExtractor.extract(PDFFixtures.bytes("columns.pdf"))
        let left = doc.blocks.first { $0.text.hasPrefix("Left column") }?.text ?? ""
        #expect(!left.contains("Right column"), "columns must not interleave")
        #expect(left.components(separatedBy: "harbour").count == 15)
    }

    @Test(arguments: ["rc4-40.pdf", "rc4-128.pdf", "aes128.pdf"])
    func emptyUserPasswordOpens(_ name: String) throws {
        let r = try PDFExtractor.read(PDFFixtures.bytes(name))
        #expect(r.decrypted)
        #expect(r.document.plainText.contains("encrypted with"))
    }

    @Test func encryptionFailuresAreSpecific() throws {
        #expect(throws: CorpusError.pdfEncrypted(reason: .passwordRequired)) {
            try PDFExtractor.extract(PDFFixtures.bytes("password.pdf"))
        }
        #expect(throws: CorpusError.pdfEncrypted(reason: .unsupportedRevision(v: 5, r: 6))) {
            try PDFExtractor.extract(PDFFixtures.bytes("aes256.pdf"))
        }
    }

    @Test func brokenCrossReferencesAreRepaired() throws {
        let r = try PDFExtractor.read(PDFFixtures.bytes("no-xref.pdf"))
        #expect(r.repaired)
        #expect(r.document.plainText == "Repaired by scanning for objects.")
    }

    @Test func identityFontWithoutToUnicodeIsReported() throws {
        #expect(throws: CorpusError.pdfNoText(pages: 1, reason: .fontsWithoutUnicode(fonts: 1))) {
            try PDFExtractor.extract(PDFFixtures.bytes("type0-identity.pdf"))
        }
    }

    @Test func bombIsRefused() throws {
        #expect(throws: CorpusError.pdfLimit(kind: .streamRatio, limit: PDFLimits().maxStreamRatio)) {
            try PDFExtractor.extract(PDFFixtures.bytes("bomb.pdf"))
        }
        // With a tighter total budget the total limit is the one reported.
        let tight = PDFLimits(maxDecodedBytes: 1 << 20, maxStreamRatio: 1_000_000)
        #expect(throws: CorpusError.pdfLimit(kind: .totalDecodedBytes, limit: 1 << 20)) {
            try PDFExtractor.extract(PDFFixtures.bytes("bomb.pdf"), limits: tight)
        }
    }

    @Test func fixturesStaySmall() throws {
        var total = 0
        for name in Set(PDFFixtures.expectations.map(\.file)) { total += try PDFFixtures.bytes(name).count }
        #expect(total < 500_000)
    }
}
