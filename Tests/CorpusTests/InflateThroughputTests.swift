// A measurement, not a check: prints how fast `Inflate` decodes text. scripts/bench/inflate runs
// it on a ~20 MB input (NERVE_INFLATE_INPUT, a zlib stream) and compares with Python's zlib.
import Corpus
import Posix
import Testing

@Suite struct InflateThroughputTests {
    @Test func inflateThroughput() throws {
        let input: [UInt8]
        var source = "NERVE_INFLATE_INPUT"
        if let path = Self.environment("NERVE_INFLATE_INPUT") {
            input = try FileSystem.read(path)
        } else {
            // Without the script: the committed text fixture (60 KB), decoded many times.
            source = "fixture text-zlib-level6"
            input = CorpusFixtures.deflateCases.first { $0.name == "text-zlib-level6" }?.compressed ?? []
        }
        if input.isEmpty { print("inflateThroughput: no input"); return }
        let size = try Inflate.zlib(input, maxOutput: 1 << 30).count
        let rounds = max(3, min(200, (200 << 20) / max(size, 1))) // about 200 MB of output in all
        var best = Double.infinity
        var total = 0
        for _ in 0..<rounds {
            let t0 = Self.now()
            total &+= try Inflate.zlib(input, maxOutput: 1 << 30, expectedSize: size).count
            best = min(best, Self.now() - t0)
        }
        var bestUnhinted = Double.infinity
        for _ in 0..<max(3, rounds / 2) {
            let t0 = Self.now()
            total &+= try Inflate.zlib(input, maxOutput: 1 << 30).count &- size
            bestUnhinted = min(bestUnhinted, Self.now() - t0)
        }
        let mbps = Double(size) / best / 1e6
        let crcStart = Self.now()
        _ = input.withUnsafeBytes { Checksum.crc32($0) }
        let crcSeconds = Self.now() - crcStart
        print("inflateThroughput: \(Self.format(mbps)) MB/s output (\(size) bytes from \(input.count), best of \(rounds), \(source)); without the size hint \(Self.format(Double(size) / bestUnhinted / 1e6)) MB/s; CRC-32 \(Self.format(Double(input.count) / crcSeconds / 1e6)) MB/s")
        #expect(total == size * rounds)
    }

    static func environment(_ name: String) -> String? {
        guard let s = Identity.environment(name), !s.isEmpty else { return nil }
        return s
    }

    static let origin = ContinuousClock.now

    static func now() -> Double {
        let d = ContinuousClock.now - origin
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func format(_ v: Double) -> String { String(Int(v.rounded())) }
}
