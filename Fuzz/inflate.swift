// Fuzz target: Inflate.raw / zlib (strict and lenient, as PDF uses it) / gzip (Corpus). The first
// input byte picks the format, the rest is the stream. Output must never pass maxOutput.
import Corpus

/// Small enough that a run cannot spend its time producing legitimate megabytes; big enough that
/// the seeds decode whole.
let maxOutput = 1 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let all = UnsafeRawBufferPointer(start: data, count: count)
    let stream = Array(all[1...])
    let hint = stream.count * 4
    let output: [UInt8]?
    switch all[0] % 4 {
    case 0: output = try? Inflate.raw(stream, maxOutput: maxOutput, expectedSize: hint)
    case 1: output = try? Inflate.zlib(stream, maxOutput: maxOutput, expectedSize: hint)
    case 2: output = try? Inflate.zlib(stream, maxOutput: maxOutput, expectedSize: hint, lenient: true)
    default: output = try? Inflate.gzip(stream, maxOutput: maxOutput, expectedSize: hint)
    }
    if let output, output.count > maxOutput { fatalError("inflate produced \(output.count) bytes, limit \(maxOutput)") }
    return 0
}
