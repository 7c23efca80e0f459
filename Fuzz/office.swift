// Fuzz target: the office and e-book extractors (Corpus): DOCX, PPTX, XLSX, OpenDocument and EPUB,
// each a ZIP package of XML parts read within OfficeLimits. The first input byte picks the format,
// the rest is the package; then the chunker over what came out.
import Corpus

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let all = UnsafeRawBufferPointer(start: data, count: count)
    let package = Array(all[1...])
    let document: Document?
    switch all[0] % 5 {
    case 0: document = try? DOCXExtractor.extract(package)
    case 1: document = try? PPTXExtractor.extract(package)
    case 2: document = try? XLSXExtractor.extract(package)
    case 3: document = try? ODFExtractor.extract(package)
    default: document = try? EPUBExtractor.extract(package)
    }
    if let document { _ = Chunker.chunk(document, options: ChunkerOptions(maxChars: 200, overlapChars: 20)) }
    return 0
}
