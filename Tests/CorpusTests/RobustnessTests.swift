// Randomly damaged streams and archives (fixed seed, so failures replay): every input must make
// the readers return or throw a CorpusError; a crash or hang fails the whole run.
import Corpus
import Posix
import Testing
import TestSupport

@Suite struct RobustnessTests {
    /// NERVE_FUZZ_SCALE=N multiplies the iteration counts (for a long local run).
    static let scale = max(1, Int(Identity.environment("NERVE_FUZZ_SCALE") ?? "") ?? 1)

    /// Flips bits, overwrites or deletes bytes, or cuts the tail.
    static func mutate(_ input: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var b = input
        if b.isEmpty { return [UInt8.random(in: 0...255, using: &rng)] }
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                b[Int.random(in: 0..<b.count, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            }
        case 1:
            // Damage near the start, where the block headers and Huffman tables are.
            let i = Int.random(in: 0..<min(b.count, 40), using: &rng)
            b[i] = UInt8.random(in: 0...255, using: &rng)
        case 2: b.removeLast(Int.random(in: 1...b.count, using: &rng))
        case 3:
            let i = Int.random(in: 0..<b.count, using: &rng)
            b.removeSubrange(i..<min(b.count, i + Int.random(in: 1...16, using: &rng)))
        default:
            let i = Int.random(in: 0..<b.count, using: &rng)
            for j in i..<min(b.count, i + 8) { b[j] = UInt8.random(in: 0...255, using: &rng) }
        }
        return b
    }

    @Test func damagedStreams() throws {
        var rng = SeededRandom(seed: 1951)
        let sources = CorpusFixtures.deflateCases.filter { $0.compressed.count < 20_000 }
        try #require(sources.count > 100)
        var decoded = 0, rejected = 0
        for i in 0..<(4000 * Self.scale) {
            let source = sources[i % sources.count]
            let input = Self.mutate(source.compressed, &rng)
            do {
                switch source.format {
                case "raw": _ = try Inflate.raw(input, maxOutput: 1 << 20)
                case "zlib": _ = try Inflate.zlib(input, maxOutput: 1 << 20, lenient: i % 2 == 0)
                default: _ = try Inflate.gzip(input, maxOutput: 1 << 20)
                }
                decoded += 1
            } catch is CorpusError {
                rejected += 1
            }
        }
        // Pure noise as deflate, too.
        for n in 0..<(1000 * Self.scale) {
            let noise = (0..<(n % 300 + 1)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            do { _ = try Inflate.raw(noise, maxOutput: 1 << 20); decoded += 1 } catch is CorpusError { rejected += 1 }
        }
        print("damagedStreams: \(decoded) decoded, \(rejected) rejected")
        #expect(rejected > decoded)
    }

    @Test func damagedArchives() throws {
        var rng = SeededRandom(seed: 1952)
        let sources = try ["python-zipfile.zip", "zip64.zip", "cp437-name.zip", "data-descriptor.zip", "prefixed.zip"]
            .map { try CorpusFixtures.bytes($0) }
        let limits = ZipLimits(maxEntrySize: 1 << 20, maxTotalSize: 1 << 30)
        var opened = 0, entriesRead = 0, rejected = 0
        for i in 0..<(3000 * Self.scale) {
            var input = sources[i % sources.count]
            for _ in 0..<Int.random(in: 1...3, using: &rng) { input = Self.mutate(input, &rng) }
            do {
                let zip = try ZipArchive(bytes: input)
                opened += 1
                for entry in zip.entries {
                    do { _ = try zip.read(entry, limits: limits); entriesRead += 1 } catch is CorpusError { rejected += 1 }
                }
            } catch is CorpusError {
                rejected += 1
            }
        }
        print("damagedArchives: \(opened) opened, \(entriesRead) entries read, \(rejected) rejections")
        #expect(opened > 0 && rejected > 0)
    }
}
