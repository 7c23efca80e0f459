// Hand-built inputs for the corruption tests: a deflate bit writer (fixed and hand-made dynamic
// blocks, including a 1032:1 run-of-zeros bomb) and a minimal ZIP writer that records its layout.
import Corpus

/// Writes deflate's LSB-first bit stream.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var acc: UInt64 = 0
    private var count = 0

    /// `value`'s low `n` bits, least significant first (header fields, extra bits).
    mutating func bits(_ value: Int, _ n: Int) {
        acc |= UInt64(value & ((1 << n) - 1)) << UInt64(count)
        count += n
        while count >= 8 { bytes.append(UInt8(truncatingIfNeeded: acc)); acc >>= 8; count -= 8 }
    }

    /// A Huffman code of `length` bits, most significant bit first (RFC 1951 3.1.1).
    mutating func code(_ code: Int, _ length: Int) {
        for i in (0..<length).reversed() { bits((code >> i) & 1, 1) }
    }

    /// A literal/length symbol in the fixed code (RFC 1951 3.2.6).
    mutating func fixedSymbol(_ s: Int) {
        switch s {
        case 0..<144: code(0x30 + s, 8)
        case 144..<256: code(0x190 + s - 144, 9)
        case 256..<280: code(s - 256, 7)
        default: code(0xC0 + s - 280, 8)
        }
    }

    /// `n` zero bits, appended a byte at a time where possible (bombs need millions).
    mutating func zeroBits(_ n: Int) {
        var left = n
        if left >= 8 {
            // Pending bits (fewer than 8) plus zeros above them form the next byte.
            bytes.append(UInt8(truncatingIfNeeded: acc))
            acc = 0
            left -= 8
            bytes.append(contentsOf: repeatElement(0, count: left / 8))
            left %= 8
        }
        bits(0, left)
    }

    mutating func finish() -> [UInt8] {
        if count > 0 { bytes.append(UInt8(truncatingIfNeeded: acc)); acc = 0; count = 0 }
        return bytes
    }

    /// A dynamic block header up to and including the code-length code, which gives each symbol
    /// in `codeLengthCode` its paired length; the caller writes the code lengths next.
    mutating func dynamicHeader(final: Bool, hlit: Int, hdist: Int, codeLengthCode: [Int: Int]) {
        bits(final ? 1 : 0, 1)
        bits(2, 2)
        bits(hlit - 257, 5)
        bits(hdist - 1, 5)
        bits(19 - 4, 4)
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        for s in order { bits(codeLengthCode[s] ?? 0, 3) }
    }
}

enum DeflateSamples {
    /// One final fixed block holding the given literal/length symbols (with raw extra bits).
    static func fixed(_ body: (inout BitWriter) -> Void) -> [UInt8] {
        var w = BitWriter()
        w.bits(1, 1)
        w.bits(1, 2)
        body(&w)
        return w.finish()
    }

    /// Raw deflate for `1 + 258 * matches` zero bytes at deflate's best ratio (about 1032:1): a
    /// dynamic block where length 258 has a 1-bit code and the lone distance code 1 bit, so each
    /// 258-byte match costs 2 bits, and both codes happen to be zero bits.
    static func zeros(matches: Int) -> [UInt8] {
        var w = BitWriter()
        // Code-length code: symbols 0, 1, 2 (lengths) and 18 (run of zeros), 2 bits each.
        w.dynamicHeader(final: true, hlit: 286, hdist: 1, codeLengthCode: [0: 2, 1: 2, 2: 2, 18: 2])
        // Canonical code-length codes: 0 -> 00, 1 -> 01, 2 -> 10, 18 -> 11.
        func length(_ l: Int) { w.code(l, 2) }
        func zeroRun(_ n: Int) { w.code(3, 2); w.bits(n - 11, 7) }
        length(2)                      // literal 0
        zeroRun(138); zeroRun(117)     // literals 1-255 unused
        length(2)                      // 256, end of block
        zeroRun(28)                    // lengths 257-284 unused
        length(1)                      // 285, length 258
        length(1)                      // distance code 0 (distance 1): a lone 1-bit code
        // Canonical literal/length codes: 285 -> 0, literal 0 -> 10, 256 -> 11; distance -> 0.
        w.code(2, 2)
        w.zeroBits(2 * matches)
        w.code(3, 2)
        return w.finish()
    }
}

/// Writes a minimal valid ZIP and remembers where each structure went, so tests can corrupt
/// exactly one field.
struct ZipBuilder {
    struct Item {
        var name: String
        /// The bytes stored in the archive (already compressed for method 8).
        var payload: [UInt8]
        var method: Int
        var crc: UInt32
        var uncompressedSize: Int
        var flags: Int = 0
    }

    var items: [Item] = []
    var comment: [UInt8] = []

    /// Adds an entry stored as is.
    mutating func stored(_ name: String, _ data: [UInt8]) {
        items.append(Item(name: name, payload: data, method: 0, crc: Checksum.crc32(data), uncompressedSize: data.count))
    }

    /// Adds a deflated entry from raw deflate data and what it decompresses to.
    mutating func deflated(_ name: String, _ deflate: [UInt8], raw: [UInt8]) {
        items.append(Item(name: name, payload: deflate, method: 8, crc: Checksum.crc32(raw), uncompressedSize: raw.count))
    }

    struct Layout {
        var bytes: [UInt8]
        var localHeaders: [Int]
        var centralRecords: [Int]
        var centralDirectory: Int
        var end: Int
    }

    func build() -> Layout {
        var out: [UInt8] = []
        var locals: [Int] = []
        var central: [UInt8] = []
        var records: [Int] = []
        func u16(_ v: Int, _ b: inout [UInt8]) { b += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: Int, _ b: inout [UInt8]) { u16(v & 0xFFFF, &b); u16((v >> 16) & 0xFFFF, &b) }
        for item in items {
            let name = Array(item.name.utf8)
            locals.append(out.count)
            u32(0x0403_4B50, &out); u16(20, &out); u16(item.flags, &out); u16(item.method, &out)
            u16(0, &out); u16(0x21, &out); u32(Int(item.crc), &out)
            u32(item.payload.count, &out); u32(item.uncompressedSize, &out)
            u16(name.count, &out); u16(0, &out)
            out += name + item.payload
        }
        let cdStart = out.count
        for (item, offset) in zip(items, locals) {
            let name = Array(item.name.utf8)
            records.append(cdStart + central.count)
            u32(0x0201_4B50, &central); u16(20, &central); u16(20, &central); u16(item.flags, &central)
            u16(item.method, &central); u16(0, &central); u16(0x21, &central); u32(Int(item.crc), &central)
            u32(item.payload.count, &central); u32(item.uncompressedSize, &central)
            u16(name.count, &central); u16(0, &central); u16(0, &central); u16(0, &central)
            u16(0, &central); u32(0, &central); u32(offset, &central)
            central += name
        }
        out += central
        let end = out.count
        u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out); u16(items.count, &out); u16(items.count, &out)
        u32(central.count, &out); u32(cdStart, &out); u16(comment.count, &out)
        out += comment
        return Layout(bytes: out, localHeaders: locals, centralRecords: records, centralDirectory: cdStart, end: end)
    }
}

extension Array where Element == UInt8 {
    /// Overwrites a little-endian field of `size` bytes at `offset`.
    mutating func setLE(_ value: UInt64, at offset: Int, size: Int) {
        for i in 0..<size { self[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }
}
