// Locating and parsing a ZIP archive's central directory (PKWARE APPNOTE 6.3.x sections 4.3.6,
// 4.3.12-4.3.16, 4.5.3): the end record, its ZIP64 forms, and one `ZipEntry` per record.

/// Bounds-checked little-endian reads over the archive bytes; every read returns nil past the end.
struct LittleEndianBytes {
    let bytes: UnsafeRawBufferPointer
    var count: Int { bytes.count }

    /// True when `[offset, offset + length)` lies inside the bytes (without overflowing).
    func contains(_ offset: Int, _ length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= bytes.count - length
    }

    func u16(_ o: Int) -> Int? {
        contains(o, 2) ? Int(bytes[o]) | Int(bytes[o + 1]) << 8 : nil
    }

    func u32(_ o: Int) -> UInt32? {
        guard contains(o, 4) else { return nil }
        return UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
    }

    func u64(_ o: Int) -> UInt64? {
        guard let lo = u32(o), let hi = u32(o + 4) else { return nil }
        return UInt64(hi) << 32 | UInt64(lo)
    }

    func slice(_ o: Int, _ n: Int) -> UnsafeRawBufferPointer? {
        contains(o, n) ? UnsafeRawBufferPointer(rebasing: bytes[o..<(o + n)]) : nil
    }
}

/// What `ZipDirectory.read` finds.
struct ZipDirectory {
    var entries: [ZipEntry]
    /// Where the central directory starts: entry data must end before it.
    var start: Int

    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    static let centralSignature: UInt32 = 0x0201_4B50
    static let centralFixedSize = 46

    /// - Throws: `CorpusError.zipCorrupt` with reasons `.endOfCentralDirectoryNotFound`,
    ///   `.zip64RecordInvalid`, `.centralDirectoryOutOfBounds`, `.entryCountOverflow`,
    ///   `.centralDirectoryTruncated` or `.zip64ExtraInvalid`.
    static func read(_ b: LittleEndianBytes) throws -> ZipDirectory {
        func corrupt(_ r: ZipFailure) -> CorpusError { .zipCorrupt(reason: r, entry: nil) }
        guard let end = findEnd(b) else { throw corrupt(.endOfCentralDirectoryNotFound) }
        // The 22-byte record exists (findEnd checked), so these reads cannot fail.
        var count = UInt64(b.u16(end + 10) ?? 0)
        var size = UInt64(b.u32(end + 12) ?? 0)
        var offset = UInt64(b.u32(end + 16) ?? 0)
        var directoryEnd = end

        // ZIP64: a locator just before the end record points at the 64-bit end record.
        if b.u32(end - 20) == zip64LocatorSignature {
            guard let declared = b.u64(end - 12) else { throw corrupt(.zip64RecordInvalid) }
            // Data prepended to the archive shifts everything; fall back to where the record
            // must be if it immediately precedes the locator (its fixed part is 56 bytes).
            var record = Int(clamping: declared)
            if b.u32(record) != zip64EndSignature { record = end - 20 - 56 }
            guard b.u32(record) == zip64EndSignature, let n = b.u64(record + 32),
                  let s = b.u64(record + 40), let o = b.u64(record + 48) else {
                throw corrupt(.zip64RecordInvalid)
            }
            (count, size, offset, directoryEnd) = (n, s, o, record)
        }

        // The central directory must end where the end record begins; any difference from the
        // declared offset is data prepended to the archive (self-extractors), which shifts every
        // offset by the same amount.
        guard size <= UInt64(directoryEnd), offset <= UInt64(directoryEnd) - size else {
            throw corrupt(.centralDirectoryOutOfBounds)
        }
        let start = directoryEnd - Int(size)
        let shift = start - Int(offset)
        if count > size / UInt64(centralFixedSize) { throw corrupt(.entryCountOverflow(count: count)) }

        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(count))
        var p = start
        for i in 0..<Int(count) {
            let (entry, next) = try readRecord(b, at: p, limit: directoryEnd, index: i, shift: shift)
            entries.append(entry)
            p = next
        }
        return ZipDirectory(entries: entries, start: start)
    }

    /// Searches back from the end for the end-of-central-directory signature, over at most a
    /// 65,535-byte comment. A record whose comment reaches exactly to the end of the file wins,
    /// so a signature inside a comment does not fool us; failing that (junk appended after the
    /// archive), the last record whose comment fits in the file.
    static func findEnd(_ b: LittleEndianBytes) -> Int? {
        let last = b.count - 22
        if last < 0 { return nil }
        let first = max(0, last - 65535)
        var fallback: Int?
        var p = last
        while p >= first {
            if b.bytes[p] == 0x50 && b.u32(p) == endSignature, let commentLength = b.u16(p + 20) {
                if commentLength == b.count - p - 22 { return p }
                if fallback == nil && commentLength < b.count - p - 22 { fallback = p }
            }
            p -= 1
        }
        return fallback
    }

    /// Parses the central directory record at `p`, which must end by `limit`.
    /// - Returns: the entry and the offset of the next record.
    private static func readRecord(_ b: LittleEndianBytes, at p: Int, limit: Int, index: Int,
                                   shift: Int) throws -> (ZipEntry, Int) {
        let truncated = CorpusError.zipCorrupt(reason: .centralDirectoryTruncated(index: index), entry: nil)
        guard p <= limit - centralFixedSize, b.u32(p) == centralSignature,
              let flags = b.u16(p + 8), let method = b.u16(p + 10), let crc = b.u32(p + 16),
              let csize32 = b.u32(p + 20), let usize32 = b.u32(p + 24), let nameLength = b.u16(p + 28),
              let extraLength = b.u16(p + 30), let commentLength = b.u16(p + 32),
              let disk16 = b.u16(p + 34), let offset32 = b.u32(p + 42) else { throw truncated }
        let next = p + centralFixedSize + nameLength + extraLength + commentLength
        guard next <= limit, let nameBytes = b.slice(p + centralFixedSize, nameLength),
              let extra = b.slice(p + centralFixedSize + nameLength, extraLength) else { throw truncated }

        let name = flags & 0x0800 != 0 ? String(decoding: nameBytes, as: UTF8.self) : CP437.decode(nameBytes)
        var usize = UInt64(usize32)
        var csize = UInt64(csize32)
        var offset = UInt64(offset32)
        if usize32 == 0xFFFF_FFFF || csize32 == 0xFFFF_FFFF || offset32 == 0xFFFF_FFFF || disk16 == 0xFFFF {
            try applyZip64(extra, &usize, &csize, &offset, wide: (usize32, csize32, offset32, disk16), name: name)
        }
        let fail = CorpusError.zipCorrupt(reason: .zip64ExtraInvalid, entry: name)
        // Sizes beyond Int.max cannot be real inside an in-memory archive.
        guard usize <= UInt64(Int.max), csize <= UInt64(Int.max), offset <= UInt64(Int.max) else { throw fail }
        let (shifted, overflow) = Int(offset).addingReportingOverflow(shift)
        if overflow { throw fail }
        let entry = ZipEntry(
            name: name, index: index, method: method, flags: UInt16(flags), crc32: crc,
            compressedSize: Int(csize), uncompressedSize: Int(usize), localHeaderOffset: shifted,
            isDirectory: nameBytes.last == UInt8(ascii: "/"), isEncrypted: flags & 0x41 != 0,
            rawName: Array(nameBytes))
        return (entry, next)
    }

    /// Replaces the 32-bit fields that hold 0xFFFFFFFF with values from the ZIP64 extended
    /// information extra field (id 0x0001), which lists only those fields, in this order.
    /// A field saturated without a ZIP64 extra keeps its 32-bit value, as other readers do.
    private static func applyZip64(_ extra: UnsafeRawBufferPointer, _ usize: inout UInt64,
                                   _ csize: inout UInt64, _ offset: inout UInt64,
                                   wide: (UInt32, UInt32, UInt32, Int), name: String) throws {
        let e = LittleEndianBytes(bytes: extra)
        var p = 0
        while let id = e.u16(p), let length = e.u16(p + 2), e.contains(p + 4, length) {
            if id == 0x0001 {
                var q = p + 4
                let stop = q + length
                func next64() throws -> UInt64 {
                    guard q + 8 <= stop, let v = e.u64(q) else {
                        throw CorpusError.zipCorrupt(reason: .zip64ExtraInvalid, entry: name)
                    }
                    q += 8
                    return v
                }
                if wide.0 == 0xFFFF_FFFF { usize = try next64() }
                if wide.1 == 0xFFFF_FFFF { csize = try next64() }
                if wide.2 == 0xFFFF_FFFF { offset = try next64() }
                return
            }
            p += 4 + length
        }
    }
}
