// Extract kinds for data and mail formats: CSV/TSV, JSON and e-mail (.eml).
import Corpus

enum DataFormats {
    static let specs: [ExtractorSpec] = [
        ExtractorSpec(kind: "extract.csv", summary: "CSV and TSV tables, one row per table row", defaultMatch: ["*.csv", "*.tsv", "*.tab"]) { f in
            let (text, _) = try TextDecoding.decode(f.bytes, path: f.path)
            return DelimitedExtractor.extract(text, separator: f.fileExtension == "csv" ? nil : "\t")
        },
        ExtractorSpec(kind: "extract.json", summary: "JSON documents flattened to key paths", defaultMatch: ["*.json"]) { f in
            try JSONExtractor.extract(f.bytes)
        },
        ExtractorSpec(kind: "extract.eml", summary: "e-mail messages (MIME, quoted-printable, base64, charsets)", defaultMatch: ["*.eml"]) { f in
            // HTML-only mail goes through the real HTML extractor (its charset comes from the part).
            EmailExtractor.extract(f.bytes) { bytes, _ in (try? HTMLExtractor.extract(bytes, path: f.path)) ?? Document(blocks: []) }
        },
    ]
}
