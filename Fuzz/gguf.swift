// Fuzz target: GGUFFile(copying:) (GGUF), the reader of every local model file, then each tensor
// view and the typed metadata accessors. The copy is exactly the input's size, so AddressSanitizer
// sees any read past the end of the file.
import GGUF

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
    guard let file = try? GGUFFile(copying: bytes) else { return 0 }
    var sum: UInt8 = 0
    for info in file.tensors {
        let view = file.view(of: info)
        if view.bytes.count != info.byteCount { fatalError("view of \(info.name) has the wrong size") }
        // Touch both ends: a view outside the file is an ASan report here.
        if let first = view.bytes.first, let last = view.bytes.last { sum &+= first &+ last }
        _ = info.elementCount
        _ = info.rowCount
        _ = info.rowBytes
    }
    for key in file.metadata.keys {
        _ = try? file.metadata.int(key)
        _ = try? file.metadata.float(key)
        _ = try? file.metadata.string(key)
        _ = try? file.metadata.strings(key)
        _ = try? file.metadata.ints(key)
        _ = try? file.metadata.floats(key)
    }
    // Returning something computed from the bytes keeps the optimizer from dropping the reads.
    return sum == 0xFF ? 0 : 0
}
