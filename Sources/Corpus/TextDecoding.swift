// Bytes to text without ever failing: BOM-marked UTF-8/16/32, valid UTF-8, UTF-8 with a few bad
// sequences (repaired with U+FFFD), and otherwise Windows-1252, which is what stray "text" files
// from office machines usually are. Binary content is recognised and refused.

public enum TextEncoding: String, Sendable, Equatable {
    case utf8, utf8Repaired = "utf8-repaired", utf16LE = "utf16le", utf16BE = "utf16be", windows1252
}

public enum TextDecoding {
    /// Decodes `bytes` to a String, reporting the encoding that was used.
    /// - Throws: `CorpusError.binaryContent` when the bytes are not text in any encoding we know.
    public static func decode(_ bytes: [UInt8], path: String) throws -> (text: String, encoding: TextEncoding) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return (String(decoding: bytes[3...], as: UTF8.self), .utf8)
        }
        if bytes.starts(with: [0xFF, 0xFE]) { return (utf16(bytes[2...], littleEndian: true), .utf16LE) }
        if bytes.starts(with: [0xFE, 0xFF]) { return (utf16(bytes[2...], littleEndian: false), .utf16BE) }
        if let guess = guessUTF16WithoutBOM(bytes) { return (utf16(bytes[...], littleEndian: guess), guess ? .utf16LE : .utf16BE) }
        if looksBinary(bytes) { throw CorpusError.binaryContent(path: path) }
        if let s = String(validating: bytes, as: UTF8.self) { return (s, .utf8) }
        // Mostly-valid UTF-8 with a few broken sequences is repaired; text that is invalid
        // nearly everywhere it has high bytes is a legacy 8-bit encoding.
        let (valid, invalid) = utf8Tally(bytes)
        if valid >= invalid * 4 { return (String(decoding: bytes, as: UTF8.self), .utf8Repaired) }
        return (windows1252(bytes), .windows1252)
    }

    /// NULs or a high share of control bytes in the first 8 KiB mean binary.
    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        let head = bytes.prefix(8192)
        if head.isEmpty { return false }
        var control = 0
        for b in head {
            if b == 0 { return true }
            if b < 0x20 && b != 0x09 && b != 0x0a && b != 0x0d && b != 0x0c && b != 0x1b { control += 1 }
        }
        return control * 10 > head.count
    }

    /// UTF-16 without a BOM shows as every other byte being NUL in ASCII-heavy text.
    static func guessUTF16WithoutBOM(_ bytes: [UInt8]) -> Bool? {
        let head = Array(bytes.prefix(4096))
        guard head.count >= 8, head.count % 2 == 0 else { return nil }
        var evenZero = 0, oddZero = 0
        for i in stride(from: 0, to: head.count, by: 2) {
            if head[i] == 0 { evenZero += 1 }
            if head[i + 1] == 0 { oddZero += 1 }
        }
        let pairs = head.count / 2
        if oddZero * 10 >= pairs * 9 && evenZero == 0 { return true }
        if evenZero * 10 >= pairs * 9 && oddZero == 0 { return false }
        return nil
    }

    static func utf16(_ bytes: ArraySlice<UInt8>, littleEndian: Bool) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            let a = UInt16(bytes[i]), b = UInt16(bytes[i + 1])
            units.append(littleEndian ? (b << 8 | a) : (a << 8 | b))
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Counts well-formed multi-byte sequences against invalid lead or continuation bytes.
    static func utf8Tally(_ bytes: [UInt8]) -> (valid: Int, invalid: Int) {
        var valid = 0, invalid = 0, i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let need = b >= 0xF0 && b < 0xF5 ? 3 : b >= 0xE0 ? 2 : b >= 0xC2 && b < 0xE0 ? 1 : -1
            if need < 0 || b >= 0xF5 { invalid += 1; i += 1; continue }
            var ok = i + need < bytes.count
            if ok { for k in 1...need where bytes[i + k] & 0xC0 != 0x80 { ok = false } }
            if ok { valid += 1; i += need + 1 } else { invalid += 1; i += 1 }
        }
        return (valid, invalid)
    }

    /// Windows-1252's 0x80-0x9F differ from Latin-1; the rest maps straight to U+00xx.
    private static let cp1252High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    public static func windows1252(_ bytes: [UInt8]) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes {
            let v: UInt32 = (0x80..<0xA0).contains(b) ? cp1252High[Int(b) - 0x80] : UInt32(b)
            s.append(Unicode.Scalar(v) ?? "\u{FFFD}")
        }
        return String(s)
    }
}
