// The non-deflate stream codecs of ISO 32000-1 §7.4: ASCIIHex, ASCII85, RunLength and LZW, and
// the PNG/TIFF predictors (§7.4.4.4) that Flate and LZW streams may carry. FlateDecode itself is
// `Inflate.zlib(lenient:)`; the filter chain is PDFFilters.

/// Decoders for PDF stream filters, each bounded by an output limit.
public enum PDFCodec {
    /// ASCIIHexDecode (§7.4.2): hex pairs up to `>`, white-space and other bytes ignored, an odd
    /// final digit padded with 0.
    public static func asciiHex(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 2)
        var high = -1
        for b in input {
            if b == 0x3E { break }
            let v = hexValue(b)
            if v < 0 { continue }
            if high < 0 { high = v } else { out.append(UInt8(high << 4 | v)); high = -1 }
        }
        if high >= 0 { out.append(UInt8(high << 4)) }
        return out
    }

    /// ASCII85Decode (§7.4.3): base-85 groups of five `!`..`u`, `z` for four zero bytes, `~>` as
    /// end; a final partial group of n characters yields n-1 bytes. Bytes outside the alphabet are
    /// skipped (white-space is allowed anywhere).
    public static func ascii85(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 4 / 5 + 4)
        var group: UInt64 = 0
        var n = 0
        var i = 0
        if input.starts(with: [0x3C, 0x7E]) { i = 2 } // a leading "<~" (PostScript style)
        while i < input.count {
            let b = input[i]
            i += 1
            if b == 0x7E { break } // "~>"
            if b == 0x7A && n == 0 { out += [0, 0, 0, 0]; continue }
            guard b >= 0x21 && b <= 0x75 else { continue }
            group = group * 85 + UInt64(b - 0x21)
            n += 1
            if n == 5 {
                let v = UInt32(truncatingIfNeeded: group)
                out += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
                group = 0
                n = 0
            }
        }
        if n > 1 {
            for _ in n..<5 { group = group * 85 + 84 } // pad with 'u'
            let v = UInt32(truncatingIfNeeded: group)
            let bytes = [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
            out += bytes[0..<(n - 1)]
        }
        return out
    }

    /// RunLengthDecode (§7.4.5): a length byte 0-127 copies the next 1-128 bytes, 129-255 repeats
    /// the next byte 2-128 times, 128 ends the data.
    /// - Throws: `CorpusError.outputLimit` past `maxOutput` bytes.
    public static func runLength(_ input: [UInt8], maxOutput: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < input.count {
            let l = Int(input[i])
            i += 1
            if l == 128 { break }
            if l < 128 {
                let n = min(l + 1, input.count - i)
                if out.count + n > maxOutput { throw CorpusError.outputLimit(limit: maxOutput) }
                out += input[i..<(i + n)]
                i += n
            } else {
                guard i < input.count else { break }
                let n = 257 - l
                if out.count + n > maxOutput { throw CorpusError.outputLimit(limit: maxOutput) }
                out += repeatElement(input[i], count: n)
                i += 1
            }
        }
        return out
    }

    /// LZWDecode (§7.4.4): 9- to 12-bit codes, 256 clears the table, 257 ends the data. With
    /// `earlyChange` (the default, /EarlyChange 1) the code width grows one code early. Invalid
    /// codes end the data (what was decoded so far is returned).
    /// - Throws: `CorpusError.outputLimit` past `maxOutput` bytes.
    public static func lzw(_ input: [UInt8], earlyChange: Bool = true, maxOutput: Int) throws -> [UInt8] {
        var prefix = [Int32](repeating: -1, count: 4096)
        var suffix = [UInt8](repeating: 0, count: 4096)
        var length = [Int32](repeating: 1, count: 4096)
        var first = [UInt8](repeating: 0, count: 4096)
        for c in 0..<256 { suffix[c] = UInt8(c); first[c] = UInt8(c) }
        var next = 258
        var width = 9
        var prev = -1
        var out: [UInt8] = []
        out.reserveCapacity(min(maxOutput, input.count * 3))
        var bitBuffer: UInt32 = 0
        var bitCount = 0
        var i = 0
        let early = earlyChange ? 1 : 0

        func emit(_ code: Int) throws {
            let n = Int(length[code])
            if out.count + n > maxOutput { throw CorpusError.outputLimit(limit: maxOutput) }
            let base = out.count
            out += repeatElement(0, count: n)
            var c = code
            var k = base + n - 1
            while c >= 0 && k >= base {
                out[k] = suffix[c]
                k -= 1
                c = Int(prefix[c])
            }
        }

        while true {
            while bitCount < width && i < input.count {
                bitBuffer = bitBuffer << 8 | UInt32(input[i])
                bitCount += 8
                i += 1
            }
            if bitCount < width { break }
            let code = Int(bitBuffer >> UInt32(bitCount - width)) & ((1 << width) - 1)
            bitCount -= width
            bitBuffer &= (1 << UInt32(bitCount)) &- 1
            if code == 256 { next = 258; width = 9; prev = -1; continue }
            if code == 257 { break }
            if prev < 0 {
                guard code < 256 else { break }
                try emit(code)
                prev = code
                continue
            }
            if code > next || (code == next && next >= 4096) { break }
            let known = code < next
            if next < 4096 {
                prefix[next] = Int32(prev)
                suffix[next] = known ? first[code] : first[prev]
                length[next] = length[prev] + 1
                first[next] = first[prev]
                next += 1
            }
            try emit(code)
            prev = code
            if next + early >= (1 << width) && width < 12 { width += 1 }
        }
        return out
    }

    /// Undoes a /Predictor (§7.4.4.4): 2 is TIFF predictor 2, 10-15 are PNG filters with a
    /// per-row filter-type byte. 1 and unknown values return the data unchanged.
    public static func unpredict(_ data: [UInt8], predictor: Int, colors: Int = 1, bitsPerComponent: Int = 8,
                                 columns: Int = 1) -> [UInt8] {
        let colors = max(1, min(colors, 32))
        let bpc = [1, 2, 4, 8, 16].contains(bitsPerComponent) ? bitsPerComponent : 8
        let columns = max(1, min(columns, 1 << 24))
        let bitsPerPixel = colors * bpc
        let bpp = max(1, (bitsPerPixel + 7) / 8)
        // A row never needs to be longer than the data (a hostile /Columns must not allocate gigabytes).
        let rowLength = max(1, min((bitsPerPixel * columns + 7) / 8, data.count))
        if predictor == 2 { return tiff(data, colors: colors, bpc: bpc, rowLength: rowLength) }
        guard predictor >= 10 else { return data }
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        var previous = [UInt8](repeating: 0, count: rowLength)
        var row = [UInt8](repeating: 0, count: rowLength)
        var i = 0
        while i < data.count {
            let type = data[i]
            i += 1
            let n = min(rowLength, data.count - i)
            for k in 0..<n {
                let x = data[i + k]
                let a = k >= bpp ? row[k - bpp] : 0
                let b = previous[k]
                let c = k >= bpp ? previous[k - bpp] : 0
                switch type {
                case 1: row[k] = x &+ a
                case 2: row[k] = x &+ b
                case 3: row[k] = x &+ UInt8((Int(a) + Int(b)) / 2)
                case 4:
                    let p = Int(a) + Int(b) - Int(c)
                    let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
                    row[k] = x &+ (pa <= pb && pa <= pc ? a : (pb <= pc ? b : c))
                default: row[k] = x
                }
            }
            out += row[0..<n]
            i += n
            swap(&previous, &row)
        }
        return out
    }

    /// TIFF predictor 2: each component is stored as the difference from the same component of
    /// the pixel to its left. Implemented for 8- and 16-bit components.
    private static func tiff(_ data: [UInt8], colors: Int, bpc: Int, rowLength: Int) -> [UInt8] {
        guard bpc == 8 || bpc == 16 else { return data }
        var out = data
        var start = 0
        while start < out.count {
            let end = min(start + rowLength, out.count)
            if bpc == 8 {
                var k = start + colors
                while k < end { out[k] = out[k] &+ out[k - colors]; k += 1 }
            } else {
                var k = start + 2 * colors
                while k + 1 < end {
                    let v = (UInt16(out[k]) << 8 | UInt16(out[k + 1])) &+ (UInt16(out[k - 2 * colors]) << 8 | UInt16(out[k - 2 * colors + 1]))
                    out[k] = UInt8(v >> 8)
                    out[k + 1] = UInt8(v & 0xFF)
                    k += 2
                }
            }
            start = end
        }
        return out
    }
}
