// Fuzz target: TextDecoding.decode then MarkdownExtractor.extract (Corpus) — front matter, headings,
// lists, fences, pipe tables, inline markup — and the chunker and sentence splitter after it.
import Corpus

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
    guard let (text, _) = try? TextDecoding.decode(bytes, path: "fuzz.md") else { return 0 }
    let document = MarkdownExtractor.extract(text)
    _ = Chunker.chunk(document, options: ChunkerOptions(maxChars: 120, overlapChars: 30))
    return 0
}
