// A read-only ZIP archive held in memory or mapped from disk: lists entries and reads one at a
// time (stored or deflate), checking the local header, the CRC-32, sizes and the bomb limits.
import Posix
import Synchronization

/// A ZIP archive (PKWARE APPNOTE 6.3), as used by DOCX, XLSX, PPTX, ODT and EPUB files.
///
/// Opening parses only the central directory; `read` decompresses one entry on demand.
/// Supported: stored and deflate entries, ZIP64, UTF-8 and CP437 names, archive comments, data
/// prepended to the archive. Not supported: encryption, other compression methods, archives
/// split over several files. Entry names are listed as stored (`..` and absolute paths included);
/// Nerve never extracts to disk. When two entries share a name, `entry(named:)` returns the first
/// in central-directory order (later duplicates stay visible in `entries`).
public final class ZipArchive: @unchecked Sendable {
    // @unchecked: every stored property is immutable except `produced`, which a Mutex guards.

    /// Entries in central-directory order.
    public let entries: [ZipEntry]
    private let bytes: LittleEndianBytes
    /// Keeps `bytes` alive: a MappedFile, an owned copy, or the caller's owner object.
    private let owner: AnyObject?
    private let ownedCopy: UnsafeMutableRawBufferPointer?
    private let firstIndexByName: [String: Int]
    private let directoryStart: Int
    /// Bytes produced (or reserved) by `read` so far, checked against `maxTotalSize`.
    private let produced = Mutex<Int>(0)

    /// Opens an archive from bytes the caller keeps valid for the archive's lifetime; `owner`
    /// (for instance the `MappedFile` holding them) is retained to help with that.
    /// - Throws: `CorpusError.zipCorrupt` when no valid central directory is found.
    public init(unsafeBytes: UnsafeRawBufferPointer, owner: AnyObject?) throws {
        self.owner = owner
        self.ownedCopy = nil
        self.bytes = LittleEndianBytes(bytes: unsafeBytes)
        (entries, firstIndexByName, directoryStart) = try Self.open(bytes)
    }

    /// Opens an archive from a copy of `bytes`.
    /// - Throws: `CorpusError.zipCorrupt` when no valid central directory is found.
    public init(bytes source: [UInt8]) throws {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(source.count, 1), alignment: 8)
        source.withUnsafeBytes { copy.copyMemory(from: $0) }
        self.ownedCopy = copy
        self.owner = nil
        self.bytes = LittleEndianBytes(bytes: UnsafeRawBufferPointer(rebasing: copy[0..<source.count]))
        do {
            (entries, firstIndexByName, directoryStart) = try Self.open(bytes)
        } catch {
            copy.deallocate()
            throw error
        }
    }

    /// Opens an archive over a memory-mapped file, which stays mapped while the archive lives.
    /// - Throws: `CorpusError.zipCorrupt` when no valid central directory is found.
    public convenience init(file: MappedFile) throws {
        try self.init(unsafeBytes: file.bytes, owner: file)
    }

    /// Maps the file at `path` and opens it.
    /// - Throws: `PosixError` when the file cannot be opened or mapped; `CorpusError.zipCorrupt`
    ///   when no valid central directory is found.
    public convenience init(path: String) throws {
        try self.init(file: try MappedFile(path: path))
    }

    deinit { ownedCopy?.deallocate() }

    private static func open(_ b: LittleEndianBytes) throws -> ([ZipEntry], [String: Int], Int) {
        let directory = try ZipDirectory.read(b)
        var index: [String: Int] = [:]
        index.reserveCapacity(directory.entries.count)
        for (i, e) in directory.entries.enumerated() where index[e.name] == nil { index[e.name] = i }
        return (directory.entries, index, directory.start)
    }

    /// The first entry with this exact name, if any.
    public func entry(named name: String) -> ZipEntry? {
        firstIndexByName[name].map { entries[$0] }
    }

    /// Decompresses one entry and verifies it.
    ///
    /// The declared uncompressed size is checked against `limits` before any work, and the
    /// inflater may produce at most that many bytes, so a header that understates the size
    /// cannot make us produce more. The declared size counts towards `maxTotalSize` even when
    /// reading then fails.
    /// - Throws: `CorpusError.encrypted`, `.unsupportedCompression`, `.zipBomb`, `.ratioExceeded`,
    ///   `.totalSizeExceeded`, `.zipCorrupt` (`.localHeaderInvalid`, `.localHeaderMismatch`,
    ///   `.dataOutOfBounds`), `.inflate` (offsets within the archive), `.sizeMismatch`, and
    ///   `.checksumMismatch` with kind `.crc32`.
    public func read(_ entry: ZipEntry, limits: ZipLimits = ZipLimits()) throws -> [UInt8] {
        let name = entry.name
        if entry.isEncrypted { throw CorpusError.encrypted(entry: name) }
        if entry.method != 0 && entry.method != 8 {
            throw CorpusError.unsupportedCompression(method: entry.method, entry: name)
        }
        let declared = entry.uncompressedSize
        if declared > limits.maxEntrySize {
            throw CorpusError.zipBomb(entry: name, declared: declared, limit: limits.maxEntrySize)
        }
        if declared > limits.ratioThreshold {
            let (bound, overflow) = max(entry.compressedSize, 1).multipliedReportingOverflow(by: max(limits.maxRatio, 0))
            if !overflow && declared > bound {
                throw CorpusError.ratioExceeded(entry: name, ratio: declared / max(entry.compressedSize, 1),
                                                limit: limits.maxRatio)
            }
        }
        let total = produced.withLock { sum -> Int? in
            let (t, o) = sum.addingReportingOverflow(declared)
            if o || t > limits.maxTotalSize { return o ? Int.max : t }
            sum = t
            return nil
        }
        if let total { throw CorpusError.totalSizeExceeded(entry: name, total: total, limit: limits.maxTotalSize) }

        let (data, dataOffset) = try compressedData(entry)
        let output: [UInt8]
        if entry.method == 0 {
            if entry.compressedSize != declared {
                throw CorpusError.sizeMismatch(entry: name, declared: declared, actual: entry.compressedSize)
            }
            output = Array(data)
        } else {
            let r = Inflate.decode(data, maxOutput: declared, expectedSize: declared)
            if let fault = r.fault {
                if case .limit = fault {
                    throw CorpusError.sizeMismatch(entry: name, declared: declared, actual: declared + 1)
                }
                throw Inflate.error(fault, maxOutput: declared, base: dataOffset, entry: name)
            }
            if r.bytes.count != declared {
                throw CorpusError.sizeMismatch(entry: name, declared: declared, actual: r.bytes.count)
            }
            output = r.bytes
        }
        let crc = Checksum.crc32(output)
        if crc != entry.crc32 {
            throw CorpusError.checksumMismatch(kind: .crc32, expected: entry.crc32, actual: crc, entry: name)
        }
        return output
    }

    /// Reads the entry with this name.
    /// - Returns: nil when no entry has that name.
    /// - Throws: as `read(_:limits:)`.
    public func read(named name: String, limits: ZipLimits = ZipLimits()) throws -> [UInt8]? {
        guard let e = entry(named: name) else { return nil }
        return try read(e, limits: limits)
    }

    /// Locates an entry's compressed bytes through its local header (APPNOTE 4.3.7), which must
    /// agree with the central directory on the name and method.
    /// - Returns: the data and its offset in the archive.
    private func compressedData(_ entry: ZipEntry) throws -> (UnsafeRawBufferPointer, Int) {
        let name = entry.name
        let p = entry.localHeaderOffset
        guard bytes.u32(p) == 0x0403_4B50, let method = bytes.u16(p + 8),
              let nameLength = bytes.u16(p + 26), let extraLength = bytes.u16(p + 28) else {
            throw CorpusError.zipCorrupt(reason: .localHeaderInvalid, entry: name)
        }
        guard let localName = bytes.slice(p + 30, nameLength) else {
            throw CorpusError.zipCorrupt(reason: .localHeaderInvalid, entry: name)
        }
        if !localName.elementsEqual(entry.rawName) {
            throw CorpusError.zipCorrupt(reason: .localHeaderMismatch(field: "name"), entry: name)
        }
        if method != entry.method {
            throw CorpusError.zipCorrupt(reason: .localHeaderMismatch(field: "method"), entry: name)
        }
        let start = p + 30 + nameLength + extraLength
        // Data must also end before the central directory: entries overlapping it (or each other
        // through it) are a known zip-bomb construction.
        guard start <= directoryStart, entry.compressedSize <= directoryStart - start,
              let data = bytes.slice(start, entry.compressedSize) else {
            throw CorpusError.zipCorrupt(reason: .dataOutOfBounds, entry: name)
        }
        return (data, start)
    }
}
