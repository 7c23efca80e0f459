// Canonical Huffman decoding tables for inflate (RFC 1951 section 3.2.2): validates a set of code
// lengths and lays it out as a primary lookup table plus sub-tables for the longer codes.

/// One table entry, packed into 32 bits so a lookup is a single load:
///
///     bits  0-7   code length in bits (for a sub-table pointer: the primary width, not consumed)
///     bits  8-11  extra bits that follow the code (lengths, distances), or sub-table index width
///     bits 12-15  kind (below)
///     bits 16-31  value: literal byte, length or distance base, code-length symbol, sub-table start
enum HuffmanEntry {
    static let literal: UInt32 = 0
    static let length: UInt32 = 1 // also used for distances
    static let endOfBlock: UInt32 = 2
    static let subTable: UInt32 = 3
    static let invalid: UInt32 = 4

    @inline(__always)
    static func make(kind: UInt32, value: Int, extra: Int = 0, bits: Int = 0) -> UInt32 {
        UInt32(value) &<< 16 | kind &<< 12 | UInt32(extra) &<< 8 | UInt32(bits)
    }

    /// The literal/length alphabet: 0-255 literals, 256 end of block, 257-285 lengths 3-258,
    /// 286-287 reserved (they have codes in the fixed code but must never be decoded).
    static func literalLength(_ symbol: Int) -> UInt32 {
        if symbol < 256 { return make(kind: literal, value: symbol) }
        if symbol == 256 { return make(kind: endOfBlock, value: 0) }
        if symbol == 285 { return make(kind: length, value: 258) }
        if symbol > 285 { return make(kind: invalid, value: 0) }
        // 257-264 carry no extra bits; after that every 4 symbols add one extra bit and the base
        // advances by 4 << extra per symbol (RFC 1951 3.2.5, derived rather than tabled).
        let s = symbol - 257
        if s < 8 { return make(kind: length, value: 3 + s) }
        let extra = s / 4 - 1
        let base = (4 << extra) + 3 + ((s % 4) << extra)
        return make(kind: length, value: base, extra: extra)
    }

    /// The distance alphabet: 0-3 distances 1-4, then each pair of symbols adds one extra bit;
    /// 30-31 are reserved.
    static func distance(_ symbol: Int) -> UInt32 {
        if symbol > 29 { return make(kind: invalid, value: 0) }
        if symbol < 4 { return make(kind: length, value: 1 + symbol) }
        let extra = symbol / 2 - 1
        let base = (2 << extra) + 1 + ((symbol % 2) << extra)
        return make(kind: length, value: base, extra: extra)
    }

    /// Code-length alphabet symbols decode to themselves.
    static func codeLength(_ symbol: Int) -> UInt32 { make(kind: literal, value: symbol) }
}

/// Builds decoding tables; the storage belongs to the caller (see `Inflater`).
enum HuffmanTable {
    /// Entries needed in the worst case: the primary table plus one full-depth (15-bit) sub-table
    /// per symbol. Valid codes use far fewer; the bound just makes overflow impossible.
    static func capacity(primaryBits: Int, symbols: Int) -> Int {
        (1 << primaryBits) + symbols * (1 << max(0, 15 - primaryBits))
    }

    /// Fills `table` from `lengths[0..<count]` (0 = symbol unused). Every bit pattern of the
    /// primary width gets an entry; patterns no code uses decode to `invalid`. `scratch` must
    /// hold 32 + `count` Ints.
    ///
    /// As in zlib, an incomplete code is accepted only when it is a lone 1-bit code (RFC 1951
    /// allows a single distance code), and an all-zero set builds a table where every code is
    /// invalid (a block with literals only needs no distance codes).
    /// - Returns: nil on success, else `.oversubscribed` or `.incomplete`.
    static func build(
        lengths: UnsafePointer<UInt8>, count: Int, primaryBits: Int, alphabet: HuffmanAlphabet,
        table: UnsafeMutablePointer<UInt32>, capacity: Int, scratch: UnsafeMutablePointer<Int>,
        entry: (Int) -> UInt32
    ) -> InflateFailure? {
        let lenCount = scratch          // [16] codes per length
        let start = scratch + 16        // [16] next slot in `sorted` per length
        let sorted = scratch + 32       // [count] symbols by (length, symbol)
        lenCount.update(repeating: 0, count: 16)
        for s in 0..<count { lenCount[Int(lengths[s] & 15)] += 1 }
        lenCount[0] = 0
        let primarySize = 1 << primaryBits
        let invalidEntry = HuffmanEntry.make(kind: HuffmanEntry.invalid, value: 0, bits: primaryBits)
        table.update(repeating: invalidEntry, count: primarySize)

        // Kraft check: `left` counts the code space still free at each length.
        var left = 1
        var maxLen = 0
        for len in 1...15 {
            left = left * 2 - lenCount[len]
            if left < 0 { return .oversubscribed(alphabet) }
            if lenCount[len] > 0 { maxLen = len }
        }
        if maxLen == 0 { return nil }
        if left > 0 && (alphabet == .codeLength || maxLen != 1) {
            return .incomplete(alphabet)
        }

        // Symbols sorted by (length, symbol): canonical codes then count upwards, so the codes
        // sharing one primary prefix are contiguous and the last of them is the longest.
        var offset = 0
        for len in 0...15 { start[len] = offset; offset += len == 0 ? 0 : lenCount[len] }
        for s in 0..<count where lengths[s] != 0 {
            let len = Int(lengths[s])
            sorted[start[len]] = s
            start[len] += 1
        }
        let used = offset
        var code = 0 // the next canonical code, MSB-first
        var prevLen = 0
        var next = primarySize // where the next sub-table goes
        var i = 0
        let primaryMask = primarySize - 1
        while i < used {
            let sym = sorted[i]
            let len = Int(lengths[sym])
            code <<= (len - prevLen)
            prevLen = len
            let rev = reverse(code, len)
            if len <= primaryBits {
                let e = entry(sym) | UInt32(len)
                var idx = rev
                while idx < primarySize { table[idx] = e; idx += 1 << len }
                code += 1
                i += 1
                continue
            }
            // A new sub-table: find the group sharing this prefix to size it.
            let prefix = rev & primaryMask
            var j = i
            var c = code
            var l = len
            while j < used {
                let lj = Int(lengths[sorted[j]])
                c <<= (lj - l)
                l = lj
                if reverse(c, lj) & primaryMask != prefix { break }
                c += 1
                j += 1
            }
            let subBits = Int(lengths[sorted[j - 1]]) - primaryBits
            let subSize = 1 << subBits
            if next + subSize > capacity { return .oversubscribed(alphabet) }
            let sub = table + next
            sub.update(repeating: HuffmanEntry.make(kind: HuffmanEntry.invalid, value: 0,
                                                    bits: primaryBits + subBits), count: subSize)
            table[prefix] = HuffmanEntry.make(kind: HuffmanEntry.subTable, value: next,
                                              extra: subBits, bits: primaryBits)
            while i < j {
                let s = sorted[i]
                let ls = Int(lengths[s])
                code <<= (ls - prevLen)
                prevLen = ls
                let e = entry(s) | UInt32(ls)
                var idx = reverse(code, ls) >> primaryBits
                while idx < subSize { sub[idx] = e; idx += 1 << (ls - primaryBits) }
                code += 1
                i += 1
            }
            next += subSize
        }
        return nil
    }

    /// `code`'s low `length` bits in reverse order: deflate sends Huffman codes MSB first into an
    /// LSB-first bit stream, so tables are indexed by the reversed code.
    @inline(__always)
    static func reverse(_ code: Int, _ length: Int) -> Int {
        var r = 0
        var c = code
        for _ in 0..<length { r = (r << 1) | (c & 1); c >>= 1 }
        return r
    }
}
