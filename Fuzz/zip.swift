// Fuzz target: ZipArchive(bytes:) and read(_:limits:) (Corpus), the container of every DOCX, XLSX,
// PPTX, ODT and EPUB: the central directory, ZIP64, local headers, then each entry inflated under
// limits. A successful read must produce exactly the declared size.
import Corpus

/// Tighter than the defaults so that a run spends its time on structure, not on megabytes.
let limits = ZipLimits(maxEntrySize: 1 << 20, maxTotalSize: 4 << 20, maxRatio: 200, ratioThreshold: 64 << 10)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
    guard let archive = try? ZipArchive(bytes: bytes) else { return 0 }
    for entry in archive.entries.prefix(256) {
        if archive.entry(named: entry.name) == nil { fatalError("entry \(entry.name) listed but not found by name") }
        guard let output = try? archive.read(entry, limits: limits) else { continue }
        if output.count != entry.uncompressedSize {
            fatalError("entry \(entry.name) read \(output.count) bytes, declared \(entry.uncompressedSize)")
        }
    }
    return 0
}
