// Fuzz target: Frame.decodeRequest (Wire), every request line a client sends the daemon, then the
// typed Params accessors the dispatcher uses. A decoded request must re-encode to a line that
// decodes to the same request.
import JSON
import Wire

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let line = Array(UnsafeRawBufferPointer(start: data, count: count))
    guard case let .success(request) = Frame.decodeRequest(line) else { return 0 }
    let encoded = request.encoded()
    if encoded.utf8.contains(0x0A) { fatalError("an encoded request contains a newline: \(encoded)") }
    guard case let .success(again) = Frame.decodeRequest(Array(encoded.utf8)) else {
        fatalError("a re-encoded request does not decode: \(encoded)")
    }
    if again.method != request.method || again.id != request.id || JSON.object(again.params) != JSON.object(request.params) {
        fatalError("a request changed on re-encoding: \(encoded)")
    }
    // The accessors every method handler goes through, on whatever keys the input carries.
    let params = Params(method: request.method, request.params)
    for key in request.params.keys {
        _ = try? params.string(key)
        _ = try? params.optionalInt(key, range: 1...1000)
        _ = try? params.optionalDouble(key)
        _ = try? params.optionalBool(key)
        _ = try? params.optionalStrings(key)
    }
    _ = try? params.allowOnly(["question", "top_k"])
    return 0
}
