// Real-world PDFs from ../shared/data: every sample extracts text or fails with its expected
// error, and policy.pdf is checked against the same manual's plain-text edition.
import Corpus
import Foundation
import Posix
import Testing
import TestSupport

@Suite struct PDFSampleTests {
    /// Each sample (relative to shared data) and what must come of it: a phrase its text contains,
    /// or "error:<case>".
    static let samples: [(String, String)] = [
        ("doc-fixtures/pdf-samples/001-trivial/minimal-document.pdf", "Lorem ipsum dolor sit amet"),
        ("doc-fixtures/pdf-samples/002-trivial-libre-office-writer/002-trivial-libre-office-writer.pdf", "Lorem ipsum"),
        ("doc-fixtures/pdf-samples/003-pdflatex-image/pdflatex-image.pdf", "Lorem ipsum"),
        ("doc-fixtures/pdf-samples/004-pdflatex-4-pages/pdflatex-4-pages.pdf", "Hello, here is some text without a meaning."),
        ("doc-fixtures/pdf-samples/005-libreoffice-writer-password/libreoffice-writer-password.pdf", "error:pdfEncrypted"),
        ("doc-fixtures/pdf-samples/006-pdflatex-outline/pdflatex-outline.pdf", "Hello, here is some text without a meaning."),
        ("doc-fixtures/pdf-samples/007-imagemagick-images/imagemagick-ASCII85Decode.pdf", "error:pdfNoText"),
        ("doc-fixtures/pdf-samples/007-imagemagick-images/imagemagick-CCITTFaxDecode.pdf", "error:pdfNoText"),
        ("doc-fixtures/pdf-samples/007-imagemagick-images/imagemagick-images.pdf", "Background"),
        ("doc-fixtures/pdf-samples/007-imagemagick-images/imagemagick-lzw.pdf", "error:pdfNoText"),
        ("doc-fixtures/pdf-samples/008-reportlab-inline-image/inline-image.pdf", "Test"),
        ("doc-fixtures/pdf-samples/009-pdflatex-geotopo/GeoTopo-komprimiert.pdf", "Topologie"),
        ("doc-fixtures/pdf-samples/010-pdflatex-forms/pdflatex-forms.pdf", "Submit"),
        ("doc-fixtures/pdf-samples/011-google-doc-document/google-doc-document.pdf", "Beautiful is better than ugly."),
        ("doc-fixtures/pdf-samples/012-libreoffice-form/libreoffice-form.pdf", "First Name"),
        ("doc-fixtures/pdf-samples/013-reportlab-overlay/reportlab-overlay.pdf", "Fingerprint: asdfSa2123"),
        ("doc-fixtures/pdf-samples/014-outlines/mistitled_outlines_example.pdf", "Hello, here is some text without a meaning."),
        ("doc-fixtures/pdf-samples/015-arabic/habibi.pdf", "\u{62D}\u{64E}\u{628}\u{64A}\u{628}\u{64A}"),
        ("doc-fixtures/pdf-samples/015-arabic/habibi-oneline-cmap.pdf", "\u{62D}\u{64E}\u{628}\u{64A}\u{628}\u{64A}"),
        ("doc-fixtures/pdf-samples/015-arabic/habibi-rotated.pdf", "habibi"),
        ("doc-fixtures/pdf-samples/016-libre-office-link/libre-office-link.pdf", "This is a link to an awesome blog."),
        ("doc-fixtures/pdf-samples/017-unreadable-meta-data/unreadablemetadata.pdf", "Industrial 24mm Diameter 5 Watt, Wirewound"),
        ("doc-fixtures/pdf-samples/019-grayscale-image/grayscale-image.pdf", "error:pdfNoText"),
        ("doc-fixtures/pdf-samples/020-xmp/output_with_metadata_pymupdf.pdf", "Hello, World!"),
        ("doc-fixtures/pdf-samples/021-pdfa/crazyones-pdfa.pdf", "Heres to the crazy ones"),
        ("doc-fixtures/pdf-samples/022-pdfkit/pdfkit.pdf", "Foo: bar"),
        ("doc-fixtures/pdf-samples/024-annotations/annotated_pdf.pdf", "Some text."),
        ("doc-fixtures/pdf-samples/025-attachment/with-attachment.pdf", "Lorem ipsum"),
        ("doc-fixtures/pdf-samples/026-latex-multicolumn/multicolumn.pdf", "Two-Column Document with Lorem Ipsum"),
        ("corp-docs/18f-handbook/downloads/EFT_Enrollment_Form.pdf", "ELECTRONIC FUNDS TRANSFER (EFT) ENROLLMENT FORM"),
        ("corp-docs/18f-handbook/downloads/my-form.pdf", "This is just a demo PDF."),
        ("corp-docs/debian-policy/policy.pdf", "Debian Policy Manual"),
    ]

    @Test func everySampleExtractsOrFailsAsExpected() throws {
        guard let data = Paths.sharedData else {
            print("PDF samples: skipped, no shared data folder")
            return
        }
        var totalPages = 0, totalBytes = 0
        var totalTime = Duration.zero
        for (rel, want) in Self.samples {
            let path = data + "/" + rel
            guard FileSystem.exists(path) else { Issue.record("missing sample \(rel)"); continue }
            let bytes = try FileSystem.read(path)
            let start = ContinuousClock.now
            do {
                let r = try PDFExtractor.read(bytes)
                let took = ContinuousClock.now - start
                let text = r.document.plainText
                if r.document.blocks.isEmpty { throw CorpusError.pdfNoText(pages: r.pageCount, reason: .noTextShown) }
                #expect(!want.hasPrefix("error:"), "\(rel): expected \(want), got \(text.count) characters")
                let found = text.contains(want)
                #expect(found, "\(rel): '\(want)' not in \(text.prefix(200))")
                print("PDF sample \(rel): \(r.pageCount) pages, \(text.count) characters, \(took)")
                totalPages += r.pageCount
                totalBytes += bytes.count
                totalTime += took
            } catch {
                print("PDF sample \(rel): \(error)")
                #expect(want == "error:" + PDFFixtures.caseName(error), "\(rel): \(error)")
            }
        }
        let seconds = Double(totalTime.components.seconds) + Double(totalTime.components.attoseconds) / 1e18
        print(String(format: "PDF samples: %d pages, %.1f MB in %.2f s: %.0f pages/s, %.1f MB/s", totalPages,
                     Double(totalBytes) / 1e6, seconds, Double(totalPages) / seconds, Double(totalBytes) / 1e6 / seconds))
    }

    /// Letters and digits only, lowercased: PDF and text editions differ in quotes, hyphens,
    /// footnote marks and line breaks, not in words.
    static func squeeze(_ s: String) -> String {
        String(String.UnicodeScalarView(s.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }))
    }

    @Test func policyPDFMatchesTheTextEdition() throws {
        guard let data = Paths.sharedData else { return }
        let pdf = try PDFExtractor.extract(FileSystem.read(data + "/corp-docs/debian-policy/policy.pdf"))
        let txt = String(decoding: try FileSystem.read(data + "/corp-docs/debian-policy/policy.txt"), as: UTF8.self)
        let haystack = Self.squeeze(pdf.blocks.map(\.text).joined(separator: " "))
        // Sentences from prose paragraphs of the text edition (not code, tables or rules).
        var sentences: [String] = []
        for para in txt.components(separatedBy: "\n\n") {
            let p = para.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard p.count >= 60, let f = p.first, f.isLetter else { continue }
            for s in p.components(separatedBy: ". ") where (40...250).contains(s.count) && s.first?.isUppercase == true {
                sentences.append(s)
            }
        }
        var rng = SeededRandom(seed: 1)
        let sample = (0..<200).map { _ in sentences[Int.random(in: 0..<sentences.count, using: &rng)] }
        let found = sample.filter { haystack.contains(Self.squeeze($0)) }.count
        print("policy.pdf vs policy.txt: \(found) of \(sample.count) sampled sentences found (\(sentences.count) candidates)")
        #expect(found * 100 >= sample.count * 90)
    }
}
