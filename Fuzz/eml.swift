// Fuzz target: EmailExtractor.extract (Corpus) wired as the extract.eml stage wires it: MIME
// structure, headers (RFC 2047 words), quoted-printable and base64, charsets, HTML parts through
// the HTML extractor.
import Corpus

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
    let document = EmailExtractor.extract(bytes) { part, _ in
        (try? HTMLExtractor.extract(part, path: "fuzz.eml")) ?? Document(blocks: [])
    }
    _ = Chunker.chunk(document, options: ChunkerOptions(maxChars: 200, overlapChars: 20))
    return 0
}
