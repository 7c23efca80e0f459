// PDF stream codecs and the security handler's primitives against published vectors: RFC 1321
// (MD5), FIPS-197 (AES), the RC4 test vectors, and ISO 32000-1's own LZW example (§7.4.4.2).
import Corpus
import Testing
import TestSupport

@Suite struct PDFCodecTests {
    static func hex(_ b: [UInt8]) -> String {
        b.map { let s = String($0, radix: 16); return s.count == 1 ? "0" + s : s }.joined()
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex, let j = hex.index(i, offsetBy: 2, limitedBy: hex.endIndex), let v = UInt8(hex[i..<j], radix: 16) {
            out.append(v)
            i = j
        }
        return out
    }

    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func md5(_ input: String, _ digest: String) {
        #expect(Self.hex(PDFCrypto.md5(Array(input.utf8))) == digest)
    }

    @Test func rc4() {
        #expect(Self.hex(PDFCrypto.rc4(key: Array("Key".utf8), Array("Plaintext".utf8))) == "bbf316e8d940af0ad3")
        #expect(Self.hex(PDFCrypto.rc4(key: Array("Secret".utf8), Array("Attack at dawn".utf8))) == "45a01f645fc35b383552544b9bf5")
        let round = PDFCrypto.rc4(key: [1, 2, 3], PDFCrypto.rc4(key: [1, 2, 3], Array("round trip".utf8)))
        #expect(round == Array("round trip".utf8))
    }

    @Test func aesBlock() {
        // FIPS-197 Appendix C.1.
        let key = Self.bytes("000102030405060708090a0b0c0d0e0f")
        let cipher = Self.bytes("69c4e0d86a7b0430d8cdb78070b4c55a")
        #expect(Self.hex(PDFCrypto.aes128DecryptBlock(key: key, cipher)) == "00112233445566778899aabbccddeeff")
    }

    @Test func aesCBC() {
        // NIST SP 800-38A F.2.2 (first two blocks), with the IV prepended as PDF stores it.
        let key = Self.bytes("2b7e151628aed2a6abf7158809cf4f3c")
        let iv = Self.bytes("000102030405060708090a0b0c0d0e0f")
        let c = Self.bytes("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2")
        let p = PDFCrypto.aes128CBCDecrypt(key: key, iv + c)
        #expect(Self.hex(p) == "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
    }

    @Test func ascii85() {
        #expect(PDFCodec.ascii85(Array("87cURD]i,\"Ebo80~>".utf8)) == Array("Hello World!".utf8))
        #expect(PDFCodec.ascii85(Array("z!!~>".utf8)) == [0, 0, 0, 0, 0])
        #expect(PDFCodec.ascii85(Array("<~87cUR\nD]i,\"E bo80~>".utf8)) == Array("Hello World!".utf8))
        #expect(PDFCodec.ascii85(Array("87cURD]i,\"Ebo7~>".utf8)) == Array("Hello World".utf8)) // a final partial group
    }

    @Test func asciiHex() {
        #expect(PDFCodec.asciiHex(Array("48 65 6c6C6f7>".utf8)) == Array("Hellop".utf8))
    }

    @Test func runLength() throws {
        let input: [UInt8] = [2, 0x41, 0x42, 0x43, 253, 0x5A, 128, 0x99]
        #expect(try PDFCodec.runLength(input, maxOutput: 100) == Array("ABCZZZZ".utf8))
        #expect(throws: CorpusError.outputLimit(limit: 5)) { try PDFCodec.runLength(input, maxOutput: 5) }
    }

    @Test func lzwSpecExample() throws {
        // §7.4.4.2: 45 45 45 45 45 65 45 45 45 66 encodes as 80 0B 60 50 22 0C 0C 85 01.
        let out = try PDFCodec.lzw(Self.bytes("800b6050220c0c8501"), maxOutput: 100)
        #expect(Self.hex(out) == "2d2d2d2d2d412d2d2d42")
        #expect(throws: CorpusError.outputLimit(limit: 4)) { try PDFCodec.lzw(Self.bytes("800b6050220c0c8501"), maxOutput: 4) }
    }

    @Test func lzwGarbageEndsQuietly() throws {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<200 {
            let junk = (0..<Int.random(in: 0..<300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try PDFCodec.lzw(junk, maxOutput: 1 << 20)
        }
    }

    @Test func pngPredictors() {
        // Two rows of 3 bytes: row 1 with Sub (1), row 2 with Up (2).
        let encoded: [UInt8] = [1, 10, 5, 5, 2, 1, 1, 1]
        #expect(PDFCodec.unpredict(encoded, predictor: 12, columns: 3) == [10, 15, 20, 11, 16, 21])
        // Average (3) and Paeth (4) on a second row.
        let avg: [UInt8] = [0, 10, 20, 30, 3, 5, 5, 5]
        #expect(PDFCodec.unpredict(avg, predictor: 13, columns: 3) == [10, 20, 30, 10, 20, 30])
        let paeth: [UInt8] = [0, 10, 20, 30, 4, 1, 1, 1]
        #expect(PDFCodec.unpredict(paeth, predictor: 14, columns: 3) == [10, 20, 30, 11, 21, 31])
    }

    @Test func tiffPredictor() {
        #expect(PDFCodec.unpredict([10, 1, 1, 1, 5, 5], predictor: 2, colors: 1, columns: 3) == [10, 11, 12, 1, 6, 11])
    }
}
