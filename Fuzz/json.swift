// Fuzz target: JSON.parse (JSON module), the parser under every wire frame, safetensors header and
// .json document. Whatever parses must serialize (compact and indented) and parse back to an equal
// value (JSON's == compares numbers by value, so 1 and 1.0 are equal).
import JSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
    guard let value = try? JSON.parse(bytes) else { return 0 }
    for text in [value.serialized(), value.pretty()] {
        guard let again = try? JSON.parse(text) else { fatalError("serialized JSON does not parse: \(text)") }
        if again != value { fatalError("JSON round trip changed the value: \(text)") }
    }
    return 0
}
