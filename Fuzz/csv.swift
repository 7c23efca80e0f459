// Fuzz target: TextDecoding.decode then DelimitedExtractor.extract (Corpus), as extract.csv runs
// them; the first byte picks CSV (separator sniffed) or TSV, the rest is the file.
import Corpus

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let all = UnsafeRawBufferPointer(start: data, count: count)
    let tsv = all[0] & 1 == 1
    guard let (text, _) = try? TextDecoding.decode(Array(all[1...]), path: tsv ? "fuzz.tsv" : "fuzz.csv") else { return 0 }
    let document = DelimitedExtractor.extract(text, separator: tsv ? "\t" : nil)
    _ = Chunker.chunk(document, options: ChunkerOptions(maxChars: 200, overlapChars: 20))
    return 0
}
