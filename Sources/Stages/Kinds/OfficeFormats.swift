// The extract kinds for office documents and e-books, each through its Corpus extractor: Word,
// PowerPoint, Excel, OpenDocument (text, spreadsheet and presentation in one kind: the package's
// mimetype says which) and EPUB. Citations: "paragraph N", "slide N", "sheet NAME!A2:D2", chapter file.
import Corpus

enum OfficeFormats {
    static let docx = ExtractorSpec(
        kind: "extract.docx", summary: "Word documents: headings, lists, tables with captions, footnotes; tracked deletions dropped",
        defaultMatch: ["*.docx", "*.docm", "*.dotx", "*.dotm"]) { f in
        try DOCXExtractor.extract(f.bytes, limits: f.limits.office)
    }

    static let pptx = ExtractorSpec(
        kind: "extract.pptx", summary: "PowerPoint slides in order with titles, text, tables and speaker notes",
        defaultMatch: ["*.pptx", "*.pptm", "*.potx", "*.ppsx"]) { f in
        try PPTXExtractor.extract(f.bytes, limits: f.limits.office)
    }

    static let xlsx = ExtractorSpec(
        kind: "extract.xlsx", summary: "Excel workbooks, one block per row cited by its cell range",
        defaultMatch: ["*.xlsx", "*.xlsm", "*.xltx"]) { f in
        try XLSXExtractor.extract(f.bytes, limits: f.limits.office)
    }

    /// One kind for the three OpenDocument families: they share a package format and a reader,
    /// and a file's mimetype (not its extension) decides how its body is read.
    static let odf = ExtractorSpec(
        kind: "extract.odf", summary: "OpenDocument text, spreadsheets and presentations (LibreOffice)",
        defaultMatch: ["*.odt", "*.ods", "*.odp", "*.ott", "*.ots", "*.otp"]) { f in
        try ODFExtractor.extract(f.bytes, limits: f.limits.office)
    }

    static let epub = ExtractorSpec(
        kind: "extract.epub", summary: "EPUB 2 and 3 e-books, chapters in reading order",
        defaultMatch: ["*.epub"]) { f in
        try EPUBExtractor.extract(f.bytes, limits: f.limits.office)
    }

    static let specs = [docx, pptx, xlsx, odf, epub]
}
