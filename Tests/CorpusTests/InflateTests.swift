// Inflate, zlib and gzip against streams made by Python's zlib, plus the checksums and the API's
// limits and lenient mode.
import Corpus
import Testing
import TestSupport

@Suite struct ChecksumTests {
    @Test func knownVectors() {
        let digits = Array("123456789".utf8)
        #expect(Checksum.crc32(digits) == 0xCBF4_3926) // the CRC-32 check value
        #expect(Checksum.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Checksum.crc32([UInt8]()) == 0)
        #expect(Checksum.adler32([UInt8]()) == 1)
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func piecewiseEqualsWhole() {
        var rng = SeededRandom(seed: 7)
        let data = (0..<100_003).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let cut = 12_345
        let head = Array(data[..<cut]), tail = Array(data[cut...])
        #expect(Checksum.crc32(tail, continuing: Checksum.crc32(head)) == Checksum.crc32(data))
        #expect(Checksum.adler32(tail, continuing: Checksum.adler32(head)) == Checksum.adler32(data))
        // Adler-32 must stay exact across many 5552-byte reductions of all-0xFF bytes.
        let ones = [UInt8](repeating: 0xFF, count: 1 << 20)
        var a: UInt32 = 1, b: UInt32 = 0
        for _ in ones { a = (a + 0xFF) % 65521; b = (b + a) % 65521 }
        #expect(Checksum.adler32(ones) == b << 16 | a)
    }
}

@Suite struct InflateReferenceTests {
    @Test func fixturesArePresent() {
        #expect(CorpusFixtures.deflateCases.count >= 290, "run scripts/fixtures/make_deflate_fixtures.py")
    }

    @Test(arguments: CorpusFixtures.deflateCases)
    func matchesPythonZlib(_ c: DeflateCase) throws {
        let out = try CorpusFixtures.decode(c)
        #expect(out.count == c.rawLength)
        #expect(SHA256.hex(out) == c.sha256)
    }

    @Test func expectedSizeIsOnlyAHint() throws {
        for c in CorpusFixtures.deflateCases.prefix(40) where c.format == "raw" {
            for hint in [0, 1, c.rawLength, c.rawLength * 3] {
                let out = try Inflate.raw(c.compressed, maxOutput: 1 << 24, expectedSize: hint)
                #expect(out.count == c.rawLength, "\(c.name) hint \(hint)")
            }
        }
    }

    @Test func outputLimitIsExact() throws {
        let c = try #require(CorpusFixtures.deflateCases.first { $0.name == "text-raw-default" })
        #expect(try Inflate.raw(c.compressed, maxOutput: c.rawLength).count == c.rawLength)
        expectCorpusError("one byte short", { if case .outputLimit(limit: c.rawLength - 1) = $0 { true } else { false } }) {
            try Inflate.raw(c.compressed, maxOutput: c.rawLength - 1)
        }
        let stored = try #require(CorpusFixtures.deflateCases.first { $0.name == "text-zlib-level0" })
        expectCorpusError("stored blocks", { if case .outputLimit = $0 { true } else { false } }) {
            try Inflate.zlib(stored.compressed, maxOutput: 1000)
        }
    }

    @Test func lenientZlibKeepsWhatItDecoded() throws {
        let c = try #require(CorpusFixtures.deflateCases.first { $0.name == "text-zlib-level6" })
        let full = try Inflate.zlib(c.compressed, maxOutput: 1 << 20)
        // Without its Adler-32, and with a wrong one.
        let noChecksum = Array(c.compressed.dropLast(4))
        #expect(try Inflate.zlib(noChecksum, maxOutput: 1 << 20, lenient: true) == full)
        var wrong = c.compressed
        wrong[wrong.count - 1] ^= 0xFF
        #expect(try Inflate.zlib(wrong, maxOutput: 1 << 20, lenient: true) == full)
        // Cut in half: a prefix of the real output comes back.
        let half = Array(c.compressed.prefix(c.compressed.count / 2))
        let partial = try Inflate.zlib(half, maxOutput: 1 << 20, lenient: true)
        #expect(partial.count > full.count / 4 && partial.count < full.count)
        #expect(Array(full.prefix(partial.count)) == partial)
        // Raw deflate where a zlib header should be (seen in real PDFs).
        let raw = try #require(CorpusFixtures.deflateCases.first { $0.name == "text-raw-default" })
        #expect(try Inflate.zlib(raw.compressed, maxOutput: 1 << 20, lenient: true).count == raw.rawLength)
        // Strict mode rejects all of these.
        expectCorpusError("strict, truncated", { if case .inflate(.truncated, _, _) = $0 { true } else { false } }) {
            try Inflate.zlib(half, maxOutput: 1 << 20)
        }
        expectCorpusError("strict, no checksum", { if case .inflate(.truncated, _, _) = $0 { true } else { false } }) {
            try Inflate.zlib(noChecksum, maxOutput: 1 << 20)
        }
    }

    @Test func hugeLimitsAndHintsDoNotOverflow() throws {
        let c = try #require(CorpusFixtures.deflateCases.first { $0.name == "text-raw-default" })
        #expect(try Inflate.raw(c.compressed, maxOutput: Int.max, expectedSize: Int.max).count == c.rawLength)
        #expect(try Inflate.raw(c.compressed, maxOutput: Int.max, expectedSize: -5).count == c.rawLength)
        expectCorpusError("negative limit", { if case .outputLimit = $0 { true } else { false } }) {
            try Inflate.raw(c.compressed, maxOutput: -1)
        }
    }

    @Test func lenientStillRejectsGarbage() {
        // Neither a zlib header (method 7) nor raw deflate (block type 3): the header is blamed.
        expectCorpusError("garbage", { if case .inflate(.unknownMethod(7), 0, nil) = $0 { true } else { false } }) {
            try Inflate.zlib([0x07, 0x00, 0xFF, 0xFF], maxOutput: 100, lenient: true)
        }
    }

    @Test func emptyInputs() {
        expectCorpusError("raw", { if case .inflate(.truncated, 0, nil) = $0 { true } else { false } }) {
            try Inflate.raw([UInt8](), maxOutput: 10)
        }
        expectCorpusError("zlib", { if case .inflate(.truncated, _, nil) = $0 { true } else { false } }) {
            try Inflate.zlib([UInt8](), maxOutput: 10)
        }
        expectCorpusError("gzip", { if case .inflate(.truncated, _, nil) = $0 { true } else { false } }) {
            try Inflate.gzip([UInt8](), maxOutput: 10)
        }
        #expect((try? Inflate.zlib([UInt8](), maxOutput: 10, lenient: true)) == [])
    }
}
