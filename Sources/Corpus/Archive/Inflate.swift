// Public decompression API: raw deflate (RFC 1951), zlib (RFC 1950) and gzip (RFC 1952) streams
// held in memory, each with an output limit. The block decoder itself is `Inflater`.

/// Decompresses deflate data held in memory.
///
/// Every call takes `maxOutput`: decoding stops with `CorpusError.outputLimit` as soon as the
/// output would pass it, so a small hostile input cannot make us allocate gigabytes.
/// `expectedSize` is only a hint for the first allocation (it is capped by `maxOutput`).
public enum Inflate {
    /// Decodes a raw deflate stream (no header or trailer). Bytes after the final block are ignored.
    /// - Throws: `CorpusError.inflate` for malformed or truncated data,
    ///   `CorpusError.outputLimit` when the output would exceed `maxOutput`.
    public static func raw(_ input: UnsafeRawBufferPointer, maxOutput: Int, expectedSize: Int? = nil) throws -> [UInt8] {
        let r = decode(input, maxOutput: maxOutput, expectedSize: expectedSize)
        if let fault = r.fault { throw error(fault, maxOutput: maxOutput, base: 0) }
        return r.bytes
    }

    /// Decodes a raw deflate stream held in an array.
    /// - Throws: as `raw(_:maxOutput:expectedSize:)` over a buffer.
    public static func raw(_ input: [UInt8], maxOutput: Int, expectedSize: Int? = nil) throws -> [UInt8] {
        try input.withUnsafeBytes { try raw($0, maxOutput: maxOutput, expectedSize: expectedSize) }
    }

    /// Decodes a zlib stream: a 2-byte header, deflate data and a big-endian Adler-32.
    ///
    /// With `lenient`, as PDF readers need for the many real files whose Flate streams are cut
    /// short or lack a checksum: a truncated stream returns what was decoded up to the last
    /// whole symbol, a missing or wrong Adler-32 is ignored, and a bad header is retried as raw
    /// deflate. Corrupt data (as opposed to missing data) still throws.
    /// - Throws: `CorpusError.inflate` (header, data or truncation),
    ///   `CorpusError.checksumMismatch` with kind `.adler32`, `CorpusError.outputLimit`.
    public static func zlib(_ input: UnsafeRawBufferPointer, maxOutput: Int, expectedSize: Int? = nil,
                            lenient: Bool = false) throws -> [UInt8] {
        let n = input.count
        let headerProblem: InflateFailure?
        if n < 2 {
            headerProblem = .truncated
        } else {
            let cmf = Int(input[0])
            let flg = Int(input[1])
            if cmf & 0x0F != 8 { headerProblem = .unknownMethod(cmf & 0x0F) }
            else if cmf >> 4 > 7 { headerProblem = .zlibWindowTooLarge(cinfo: cmf >> 4) }
            else if (cmf << 8 | flg) % 31 != 0 { headerProblem = .zlibCheckBits }
            else if flg & 0x20 != 0 { headerProblem = .zlibPresetDictionary }
            else { headerProblem = nil }
        }
        if let problem = headerProblem {
            if lenient && n > 0 {
                let r = decode(input, maxOutput: maxOutput, expectedSize: expectedSize)
                if r.fault == nil || isTruncation(r.fault) { return r.bytes }
                if case .limit = r.fault { throw CorpusError.outputLimit(limit: maxOutput) }
                // Not raw deflate either: the header is the better diagnosis.
            }
            if lenient && n == 0 { return [] }
            throw CorpusError.inflate(reason: problem, offset: 0, entry: nil)
        }
        let body = UnsafeRawBufferPointer(rebasing: input[2...])
        let r = decode(body, maxOutput: maxOutput, expectedSize: expectedSize)
        if let fault = r.fault {
            if lenient && isTruncation(fault) { return r.bytes }
            throw error(fault, maxOutput: maxOutput, base: 2)
        }
        if lenient { return r.bytes }
        let t = 2 + r.end
        if n - t < 4 { throw CorpusError.inflate(reason: .truncated, offset: n, entry: nil) }
        let stored = UInt32(input[t]) << 24 | UInt32(input[t + 1]) << 16 | UInt32(input[t + 2]) << 8 | UInt32(input[t + 3])
        let actual = Checksum.adler32(r.bytes)
        if stored != actual {
            throw CorpusError.checksumMismatch(kind: .adler32, expected: stored, actual: actual, entry: nil)
        }
        return r.bytes
    }

    /// Decodes a zlib stream held in an array.
    /// - Throws: as `zlib(_:maxOutput:expectedSize:lenient:)` over a buffer.
    public static func zlib(_ input: [UInt8], maxOutput: Int, expectedSize: Int? = nil, lenient: Bool = false) throws -> [UInt8] {
        try input.withUnsafeBytes { try zlib($0, maxOutput: maxOutput, expectedSize: expectedSize, lenient: lenient) }
    }

    /// Decodes a gzip file: one or more members, each checked against its CRC-32 and ISIZE.
    /// Bytes after the last member that do not start another member are ignored.
    /// - Throws: `CorpusError.inflate` (header, data or truncation),
    ///   `CorpusError.checksumMismatch` (`.crc32` or `.gzipSize`), `CorpusError.outputLimit`
    ///   (`maxOutput` bounds all members together).
    public static func gzip(_ input: UnsafeRawBufferPointer, maxOutput: Int, expectedSize: Int? = nil) throws -> [UInt8] {
        var result: [UInt8] = []
        var start = 0
        repeat {
            let member = UnsafeRawBufferPointer(rebasing: input[start...])
            let (bytes, used) = try gzipMember(member, base: start, maxOutput: maxOutput - result.count,
                                               expectedSize: result.isEmpty ? expectedSize : nil)
            if result.isEmpty { result = bytes } else { result += bytes }
            start += used
        } while input.count - start >= 2 && input[start] == 0x1F && input[start + 1] == 0x8B
        return result
    }

    /// Decodes a gzip file held in an array.
    /// - Throws: as `gzip(_:maxOutput:expectedSize:)` over a buffer.
    public static func gzip(_ input: [UInt8], maxOutput: Int, expectedSize: Int? = nil) throws -> [UInt8] {
        try input.withUnsafeBytes { try gzip($0, maxOutput: maxOutput, expectedSize: expectedSize) }
    }

    // MARK: - Internals shared with the ZIP reader

    /// Decodes raw deflate, returning whatever was produced, where the stream ended (the byte
    /// after the final block) and why it stopped early, if it did.
    static func decode(_ input: UnsafeRawBufferPointer, maxOutput: Int, expectedSize: Int?)
        -> (bytes: [UInt8], end: Int, fault: InflateFault?) {
        if let exact = expectedSize, exact == maxOutput, exact >= 0, exact <= Int.max >> 2 {
            return decode(input, exactly: exact)
        }
        let guess = expectedSize ?? min(input.count, Int.max / 8) * 4
        let inflater = Inflater(input: input, output: InflateOutput(initialCapacity: max(guess, 256), limit: maxOutput))
        do {
            try inflater.run()
            return (inflater.output.array(), inflater.reader.pos, nil)
        } catch {
            return (inflater.output.array(), inflater.reader.pos, error)
        }
    }

    /// When the size is known and is also the limit (ZIP entries), the output can never grow:
    /// decode straight into the result array and skip the final copy, halving peak memory.
    private static func decode(_ input: UnsafeRawBufferPointer, exactly size: Int)
        -> (bytes: [UInt8], end: Int, fault: InflateFault?) {
        var end = 0
        var fault: InflateFault?
        let bytes = [UInt8](unsafeUninitializedCapacity: size + InflateOutput.slack) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            let inflater = Inflater(input: input, output: InflateOutput(into: base, limit: size))
            do throws(InflateFault) { try inflater.run() } catch { fault = error }
            end = inflater.reader.pos
            count = inflater.output.count
        }
        return (bytes, end, fault)
    }

    static func isTruncation(_ fault: InflateFault?) -> Bool {
        if case .corrupt(.truncated, _)? = fault { return true }
        return false
    }

    static func error(_ fault: InflateFault, maxOutput: Int, base: Int, entry: String? = nil) -> CorpusError {
        switch fault {
        case let .corrupt(reason, offset): return .inflate(reason: reason, offset: base + offset, entry: entry)
        case .limit: return .outputLimit(limit: maxOutput)
        }
    }

    /// One gzip member starting at `input[0]` (`base` in the whole input, for error offsets).
    /// - Returns: the member's bytes and how many input bytes it used, trailer included.
    private static func gzipMember(_ input: UnsafeRawBufferPointer, base: Int, maxOutput: Int,
                                   expectedSize: Int?) throws -> ([UInt8], Int) {
        let n = input.count
        func truncated(_ at: Int) -> CorpusError { .inflate(reason: .truncated, offset: base + at, entry: nil) }
        if n < 10 { throw truncated(n) }
        if input[0] != 0x1F || input[1] != 0x8B { throw CorpusError.inflate(reason: .gzipMagic, offset: base, entry: nil) }
        if input[2] != 8 { throw CorpusError.inflate(reason: .unknownMethod(Int(input[2])), offset: base + 2, entry: nil) }
        let flags = input[3]
        if flags & 0xE0 != 0 { throw CorpusError.inflate(reason: .gzipReservedFlags, offset: base + 3, entry: nil) }
        var p = 10 // past MTIME, XFL, OS
        if flags & 0x04 != 0 { // FEXTRA: a 2-byte length and that many bytes
            if n - p < 2 { throw truncated(n) }
            p += 2 + (Int(input[p]) | Int(input[p + 1]) << 8)
        }
        for bit: UInt8 in [0x08, 0x10] where flags & bit != 0 { // FNAME, FCOMMENT: zero-terminated
            while p < n && input[p] != 0 { p += 1 }
            p += 1
        }
        if flags & 0x02 != 0 { p += 2 } // FHCRC: not verified (Python and gzip(1) skip it too)
        if p > n { throw truncated(n) }

        let r = decode(UnsafeRawBufferPointer(rebasing: input[p...]), maxOutput: maxOutput, expectedSize: expectedSize)
        if let fault = r.fault { throw error(fault, maxOutput: maxOutput, base: base + p) }
        let t = p + r.end
        if n - t < 8 { throw truncated(n) }
        func le32(_ i: Int) -> UInt32 {
            UInt32(input[i]) | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2]) << 16 | UInt32(input[i + 3]) << 24
        }
        let crc = Checksum.crc32(r.bytes)
        if le32(t) != crc { throw CorpusError.checksumMismatch(kind: .crc32, expected: le32(t), actual: crc, entry: nil) }
        let size = UInt32(truncatingIfNeeded: r.bytes.count)
        if le32(t + 4) != size {
            throw CorpusError.checksumMismatch(kind: .gzipSize, expected: le32(t + 4), actual: size, entry: nil)
        }
        return (r.bytes, t + 8)
    }
}
