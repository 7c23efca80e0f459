// Fuzz target: HTMLExtractor.extract (Corpus over XML/libxml2): encoding sniffing, libxml2's HTML
// parser, the tree copy, chrome removal, tables and lists; then the chunker.
import Corpus

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
    guard let document = try? HTMLExtractor.extract(bytes, path: "fuzz.html") else { return 0 }
    _ = Chunker.chunk(document, options: ChunkerOptions(maxChars: 200, overlapChars: 20))
    return 0
}
