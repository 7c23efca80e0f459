// The RFC 1951 block decoder: block headers, stored blocks, fixed and dynamic Huffman codes, and
// the literal/match loop. Wrappers (zlib, gzip, ZIP) and the public API live in Inflate.swift.

/// Why decoding stopped early; `Inflate` turns it into a `CorpusError`.
enum InflateFault: Error {
    case corrupt(InflateFailure, offset: Int)
    case limit
}

/// Decodes one raw deflate stream from memory into a growing buffer. One use per instance.
final class Inflater {
    static let literalBits = 10
    static let distanceBits = 8
    static let literalCapacity = HuffmanTable.capacity(primaryBits: literalBits, symbols: 288)
    static let distanceCapacity = HuffmanTable.capacity(primaryBits: distanceBits, symbols: 32)
    /// Order in which code-length code lengths are sent (RFC 1951 3.2.7).
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    var reader: BitReader
    var output: InflateOutput
    private let literals = UnsafeMutablePointer<UInt32>.allocate(capacity: literalCapacity)
    private let distances = UnsafeMutablePointer<UInt32>.allocate(capacity: distanceCapacity)
    private let codeLengths = UnsafeMutablePointer<UInt32>.allocate(capacity: 128)
    private let lengths = UnsafeMutablePointer<UInt8>.allocate(capacity: 320)
    private let scratch = UnsafeMutablePointer<Int>.allocate(capacity: 32 + 320)
    private var fixedLoaded = false
    /// Stands in for the input when it is empty (a nil base address).
    private let emptyInput: UnsafeMutablePointer<UInt8>?

    /// - Parameters:
    ///   - input: the compressed bytes; must outlive this object.
    ///   - output: where decoded bytes go (it owns or borrows its buffer).
    init(input: UnsafeRawBufferPointer, output: InflateOutput) {
        if let b = input.baseAddress, input.count > 0 {
            emptyInput = nil
            reader = BitReader(base: b.assumingMemoryBound(to: UInt8.self), count: input.count)
        } else {
            let e = UnsafeMutablePointer<UInt8>.allocate(capacity: 8)
            emptyInput = e
            reader = BitReader(base: UnsafePointer(e), count: 0)
        }
        self.output = output
    }

    deinit {
        literals.deallocate()
        distances.deallocate()
        codeLengths.deallocate()
        lengths.deallocate()
        scratch.deallocate()
        emptyInput?.deallocate()
        output.free()
    }

    private func fail(_ reason: InflateFailure) -> InflateFault {
        .corrupt(reason, offset: reader.offset)
    }

    /// Decodes blocks until the final one ends, leaving `reader` at the next byte boundary.
    /// - Throws: `InflateFault.corrupt` for malformed data, `.limit` when output would exceed
    ///   the limit. Output decoded before the failure stays in `output`.
    func run() throws(InflateFault) {
        var final = false
        while !final {
            reader.refill()
            final = reader.take(1) == 1
            let type = reader.take(2)
            if reader.overran { throw fail(.truncated) }
            switch type {
            case 0: try storedBlock()
            case 1:
                try loadFixedTables()
                try huffmanBlock()
            case 2:
                try loadDynamicTables()
                try huffmanBlock()
            default: throw fail(.invalidBlockType)
            }
        }
        if !reader.alignToByte() { throw fail(.truncated) }
    }

    private func storedBlock() throws(InflateFault) {
        if !reader.alignToByte() { throw fail(.truncated) }
        let base = reader.base
        let p = reader.pos
        if reader.end - p < 4 { throw fail(.truncated) }
        let len = Int(base[p]) | Int(base[p + 1]) << 8
        let nlen = Int(base[p + 2]) | Int(base[p + 3]) << 8
        if len != nlen ^ 0xFFFF { throw fail(.storedLengthMismatch) }
        reader.pos = p + 4
        // Copy what is there even when the block is cut short: lenient callers keep it.
        let available = min(len, reader.end - reader.pos)
        if output.count + available > output.capacity && !output.grow(toHold: output.count + available) {
            throw .limit
        }
        (output.base + output.count).update(from: base + reader.pos, count: available)
        output.count += available
        reader.pos += available
        if available < len { throw fail(.truncated) }
    }

    private func loadFixedTables() throws(InflateFault) {
        if fixedLoaded { return }
        // RFC 1951 3.2.6: literal/length lengths 8, 9, 7, 8 over 0-143, 144-255, 256-279,
        // 280-287; 32 distance codes of 5 bits (30 and 31 decode as invalid).
        for s in 0..<288 { lengths[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8 }
        try build(lengths, 288, Self.literalBits, .literalLength, literals, Self.literalCapacity,
                  HuffmanEntry.literalLength)
        (lengths + 288).update(repeating: 5, count: 32)
        try build(lengths + 288, 32, Self.distanceBits, .distance, distances, Self.distanceCapacity,
                  HuffmanEntry.distance)
        fixedLoaded = true
    }

    private func build(
        _ lens: UnsafeMutablePointer<UInt8>, _ count: Int, _ bits: Int, _ alphabet: HuffmanAlphabet,
        _ table: UnsafeMutablePointer<UInt32>, _ capacity: Int, _ entry: (Int) -> UInt32
    ) throws(InflateFault) {
        if let failure = HuffmanTable.build(lengths: lens, count: count, primaryBits: bits,
                                            alphabet: alphabet, table: table, capacity: capacity,
                                            scratch: scratch, entry: entry) {
            throw fail(failure)
        }
    }

    private func loadDynamicTables() throws(InflateFault) {
        fixedLoaded = false
        reader.refill()
        let hlit = Int(reader.take(5)) + 257
        let hdist = Int(reader.take(5)) + 1
        let hclen = Int(reader.take(4)) + 4
        if reader.overran { throw fail(.truncated) }
        if hlit > 286 || hdist > 30 { throw fail(.tooManyCodes) }

        lengths.update(repeating: 0, count: 19)
        for i in 0..<hclen { lengths[Self.codeLengthOrder[i]] = UInt8(reader.take(3)) }
        if reader.overran { throw fail(.truncated) }
        try build(lengths, 19, 7, .codeLength, codeLengths, 128, HuffmanEntry.codeLength)

        // Literal/length and distance lengths form one sequence; repeats may cross between them.
        let total = hlit + hdist
        var i = 0
        while i < total {
            reader.refill() // 7-bit code + 7 extra bits at most
            let e = codeLengths[Int(reader.peek(7))]
            reader.consume(Int(e & 0xFF))
            if (e &>> 12) & 0xF == HuffmanEntry.invalid {
                throw fail(reader.overran ? .truncated : .invalidSymbol(.codeLength))
            }
            let sym = Int(e &>> 16)
            var value: UInt8 = 0
            var repeatCount: Int
            switch sym {
            case 0..<16:
                value = UInt8(sym)
                repeatCount = 1
            case 16:
                if i == 0 { throw fail(.repeatWithoutPrevious) }
                value = lengths[i - 1]
                repeatCount = 3 + Int(reader.take(2))
            case 17: repeatCount = 3 + Int(reader.take(3))
            default: repeatCount = 11 + Int(reader.take(7))
            }
            if reader.overran { throw fail(.truncated) }
            if i + repeatCount > total { throw fail(.codeLengthsOverflow) }
            (lengths + i).update(repeating: value, count: repeatCount)
            i += repeatCount
        }
        if lengths[256] == 0 { throw fail(.missingEndOfBlock) }
        try build(lengths, hlit, Self.literalBits, .literalLength, literals, Self.literalCapacity,
                  HuffmanEntry.literalLength)
        try build(lengths + hlit, hdist, Self.distanceBits, .distance, distances,
                  Self.distanceCapacity, HuffmanEntry.distance)
    }

    /// The hot loop: decodes literals and matches until end-of-block. State lives in locals so
    /// the optimizer keeps it in registers; it is written back on every exit.
    private func huffmanBlock() throws(InflateFault) {
        var br = reader
        var out = output.base
        var o = output.count
        var cap = output.capacity
        defer {
            reader = br
            output.count = o
        }
        let lit = literals
        let dist = distances
        let litMask: UInt64 = (1 << UInt64(Self.literalBits)) - 1
        let distMask: UInt64 = (1 << UInt64(Self.distanceBits)) - 1

        while true {
            br.refill()
            var e = lit[Int(br.bitbuf & litMask)]
            if (e &>> 12) & 0xF == HuffmanEntry.subTable {
                let subMask = (UInt64(1) &<< UInt64((e &>> 8) & 0xF)) &- 1
                e = lit[Int(e &>> 16) &+ Int((br.bitbuf &>> UInt64(Self.literalBits)) & subMask)]
            }
            br.consume(Int(e & 0xFF))
            let kind = (e &>> 12) & 0xF

            if kind == HuffmanEntry.literal {
                if br.overran { throw .corrupt(.truncated, offset: br.offset) }
                if o >= cap {
                    output.count = o
                    if !output.grow(toHold: o + 1) { throw .limit }
                    out = output.base
                    cap = output.capacity
                }
                out[o] = UInt8(truncatingIfNeeded: e &>> 16)
                o &+= 1
                // A second literal usually fits in the bits already buffered (56 - 15 >= 15).
                let e2 = lit[Int(br.bitbuf & litMask)]
                if (e2 &>> 12) & 0xF == HuffmanEntry.literal && o < cap {
                    br.consume(Int(e2 & 0xFF))
                    if br.overran { throw .corrupt(.truncated, offset: br.offset) }
                    out[o] = UInt8(truncatingIfNeeded: e2 &>> 16)
                    o &+= 1
                }
                continue
            }

            if kind == HuffmanEntry.length {
                let extra = Int((e &>> 8) & 0xF)
                let length = Int(e &>> 16) &+ Int(br.peek(extra))
                br.consume(extra)

                var d = dist[Int(br.bitbuf & distMask)]
                if (d &>> 12) & 0xF == HuffmanEntry.subTable {
                    let subMask = (UInt64(1) &<< UInt64((d &>> 8) & 0xF)) &- 1
                    d = dist[Int(d &>> 16) &+ Int((br.bitbuf &>> UInt64(Self.distanceBits)) & subMask)]
                }
                br.consume(Int(d & 0xFF))
                if (d &>> 12) & 0xF != HuffmanEntry.length {
                    throw .corrupt(br.overran ? .truncated : .invalidSymbol(.distance), offset: br.offset)
                }
                let dextra = Int((d &>> 8) & 0xF)
                let distance = Int(d &>> 16) &+ Int(br.peek(dextra))
                br.consume(dextra)
                if br.overran { throw .corrupt(.truncated, offset: br.offset) }
                if distance > o {
                    throw .corrupt(.distanceTooFarBack(distance: distance, available: o), offset: br.offset)
                }
                if o &+ length > cap {
                    output.count = o
                    if !output.grow(toHold: o + length) { throw .limit }
                    out = output.base
                    cap = output.capacity
                }
                Self.copyMatch(out + o, distance: distance, length: length)
                o &+= length
                continue
            }

            if br.overran { throw .corrupt(.truncated, offset: br.offset) }
            if kind == HuffmanEntry.endOfBlock { return }
            throw .corrupt(.invalidSymbol(.literalLength), offset: br.offset)
        }
    }

    /// Copies `length` bytes from `distance` back to `dst`. May write up to 7 bytes past the end
    /// (the output keeps `InflateOutput.slack` spare bytes for this).
    @inline(__always)
    private static func copyMatch(_ dst: UnsafeMutablePointer<UInt8>, distance: Int, length: Int) {
        let src = dst - distance
        if distance >= 8 {
            // Each 8-byte load ends at or before the store position, so overlap is harmless.
            let s = UnsafeRawPointer(src)
            let t = UnsafeMutableRawPointer(dst)
            var i = 0
            repeat {
                t.storeBytes(of: s.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
                i &+= 8
            } while i < length
        } else if distance == 1 {
            dst.update(repeating: src.pointee, count: length)
        } else {
            var i = 0
            while i < length { dst[i] = src[i]; i &+= 1 }
        }
    }
}
