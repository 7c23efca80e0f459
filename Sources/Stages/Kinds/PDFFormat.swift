// The extract.pdf kind: PDF files through Corpus's PDFExtractor, one block per paragraph with
// its page number for citations.
import Corpus

extension ExtractorSpec {
    /// PDF documents. Encrypted files open only when their user password is empty; scans without
    /// a text layer are reported as having no extractable text.
    static let pdf = ExtractorSpec(kind: "extract.pdf", summary: "PDF text with page numbers",
                                   defaultMatch: ["*.pdf"]) { f in
        try PDFExtractor.extract(f.bytes, limits: f.limits.pdf)
    }
}
