// Fuzz target: PDFExtractor.read (Corpus) with the default limits, as ingest uses it: header, xref
// (and its repair by scanning), encryption, object streams, filters, fonts, content streams and
// layout; then the chunker over what came out.
import Corpus

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
    guard let extraction = try? PDFExtractor.read(bytes) else { return 0 }
    _ = Chunker.chunk(extraction.document, options: ChunkerOptions(maxChars: 200, overlapChars: 20))
    return 0
}
