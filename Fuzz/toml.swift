// Fuzz target: TOML.parse(bytes:) (Config), the reader of nerved.toml and every pipeline file.
// Whatever parses must render to toml-test tagged JSON that is itself valid JSON.
import Config
import JSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
    guard let table = try? TOML.parse(bytes: bytes) else { return 0 }
    let tagged = taggedJSON(table)
    if (try? JSON.parse(tagged)) == nil { fatalError("tagged JSON of a parsed document is not JSON: \(tagged)") }
    return 0
}
