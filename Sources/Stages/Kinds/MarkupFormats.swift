// The markup extract kinds: HTML/XHTML and generic XML, both parsed by libxml2 through the XML
// module. They take the raw bytes: libxml2 finds the encoding (BOM, <meta>, XML declaration).
import Corpus

enum MarkupFormats {
    static let html = ExtractorSpec(
        kind: "extract.html", summary: "HTML and XHTML pages, without scripts, styles or site navigation",
        defaultMatch: ["*.html", "*.htm", "*.xhtml", "*.shtml"]) { f in
        try HTMLExtractor.extract(f.bytes, path: f.path)
    }

    static let xml = ExtractorSpec(
        kind: "extract.xml", summary: "any XML: title-like elements as headings, text-bearing elements as paragraphs",
        defaultMatch: ["*.xml"]) { f in
        try XMLExtractor.extract(f.bytes, path: f.path)
    }
}
