// Fuzz target: XMLExtractor.extract (Corpus over XML/libxml2): the strict parse with entity, depth
// and size limits, the recover-mode retry, and the schema-free block walk; then the chunker.
import Corpus

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
    guard let document = try? XMLExtractor.extract(bytes, path: "fuzz.xml") else { return 0 }
    _ = Chunker.chunk(document, options: ChunkerOptions(maxChars: 200, overlapChars: 20))
    return 0
}
