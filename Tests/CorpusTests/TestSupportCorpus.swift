// Helpers for the Corpus tests: SHA-256 (to compare with the fixture manifests), a seeded random
// generator, fixture loading, and a matcher that asserts a `CorpusError` case.
import Corpus
import Posix
import Testing
import TestSupport

/// SHA-256 from FIPS 180-4, only for checking fixture contents.
enum SHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    static func hex(_ data: [UInt8]) -> String {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        var msg = data
        msg.append(0x80)
        while msg.count % 64 != 56 { msg.append(0) }
        let bits = UInt64(data.count) * 8
        for i in (0..<8).reversed() { msg.append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
        var w = [UInt32](repeating: 0, count: 64)
        func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        for chunk in stride(from: 0, to: msg.count, by: 64) {
            for i in 0..<16 {
                w[i] = UInt32(msg[chunk + 4 * i]) << 24 | UInt32(msg[chunk + 4 * i + 1]) << 16
                    | UInt32(msg[chunk + 4 * i + 2]) << 8 | UInt32(msg[chunk + 4 * i + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for i in 0..<64 {
                let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[i] &+ w[i]
                let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
            for (i, v) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] = h[i] &+ v }
        }
        return h.map { v in
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 8 - s.count) + s
        }.joined()
    }
}

/// SplitMix64: a tiny deterministic generator so randomized tests replay exactly.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One stream from deflate-cases.txt.
struct DeflateCase: CustomTestStringConvertible, Sendable {
    let name: String
    let format: String
    let compressed: [UInt8]
    let rawLength: Int
    let sha256: String
    var testDescription: String { name }
}

enum CorpusFixtures {
    static let directory = Paths.fixtures + "/zip"

    static func bytes(_ file: String) throws -> [UInt8] {
        try FileSystem.read(directory + "/" + file)
    }

    static func lines(_ file: String) throws -> [Substring] {
        String(decoding: try bytes(file), as: UTF8.self).split(separator: "\n")
    }

    /// Every stream Python's zlib produced (see scripts/fixtures/make_deflate_fixtures.py).
    static let deflateCases: [DeflateCase] = {
        guard let blob = try? bytes("deflate-cases.bin"), let index = try? lines("deflate-cases.txt") else { return [] }
        return index.compactMap { line in
            let f = line.split(separator: " ")
            guard f.count == 6, let off = Int(f[2]), let len = Int(f[3]), let raw = Int(f[4]),
                  off + len <= blob.count else { return nil }
            return DeflateCase(name: String(f[0]), format: String(f[1]), compressed: Array(blob[off..<(off + len)]),
                               rawLength: raw, sha256: String(f[5]))
        }
    }()

    static func decode(_ c: DeflateCase, maxOutput: Int = 64 << 20) throws -> [UInt8] {
        switch c.format {
        case "raw": return try Inflate.raw(c.compressed, maxOutput: maxOutput)
        case "zlib": return try Inflate.zlib(c.compressed, maxOutput: maxOutput)
        default: return try Inflate.gzip(c.compressed, maxOutput: maxOutput)
        }
    }
}

/// Runs `body`, expecting a `CorpusError` for which `matches` is true. Records an issue naming
/// what was thrown (or returned) otherwise. Matches the case, never the prose.
func expectCorpusError<R>(_ what: String, sourceLocation: SourceLocation = #_sourceLocation,
                          _ matches: (CorpusError) -> Bool, _ body: () throws -> R) {
    do {
        _ = try body()
        Issue.record("\(what): expected an error, got a result", sourceLocation: sourceLocation)
    } catch let error as CorpusError {
        if !matches(error) { Issue.record("\(what): wrong error: \(error)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("\(what): not a CorpusError: \(error)", sourceLocation: sourceLocation)
    }
}
