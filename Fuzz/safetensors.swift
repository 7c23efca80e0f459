// Fuzz target: Safetensors(copying:) (Model), the reader of the sentence encoder's weights: the
// header length, the JSON header, every tensor's dtype/shape/offsets; then each tensor's bytes are
// read and converted, so a range the validation let through that lies outside the file is caught.
import Model

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
    guard let file = try? Safetensors(copying: bytes) else { return 0 }
    for t in file.tensors {
        if file.tensor(t.name) == nil { fatalError("tensor \(t.name) listed but not found by name") }
        let raw = file.bytes(t)
        if raw.count != t.byteCount { fatalError("tensor \(t.name) has \(raw.count) bytes, expected \(t.byteCount)") }
        let floats = UnsafeMutablePointer<Float>.allocate(capacity: max(t.elementCount, 1))
        defer { floats.deallocate() }
        _ = try? file.readFloats(t, into: floats)
    }
    return 0
}
