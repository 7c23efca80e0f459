// The values a ZIP reader hands out: one central-directory entry, and the limits that keep
// reading an untrusted archive from exhausting memory (zip bombs).

/// One file or directory listed in a ZIP archive's central directory.
///
/// Names are returned as stored: they may contain `..` components or start with `/`. That is
/// harmless here because Nerve never extracts archives to disk; anyone who does must sanitize.
public struct ZipEntry: Sendable, Equatable {
    /// The name, decoded as UTF-8 when general-purpose flag bit 11 is set, otherwise as CP437.
    public let name: String
    /// Position in the central directory.
    public let index: Int
    /// Compression method: 0 stored and 8 deflate are supported.
    public let method: Int
    /// The general-purpose bit flags.
    public let flags: UInt16
    /// The CRC-32 of the uncompressed data, from the central directory.
    public let crc32: UInt32
    /// Bytes the entry occupies in the archive after its local header (ZIP64 values applied).
    public let compressedSize: Int
    /// Bytes the entry declares it holds; `read` produces exactly this many or throws.
    public let uncompressedSize: Int
    /// Offset of the local file header in the archive bytes (corrected for any prefix data).
    public let localHeaderOffset: Int
    /// True when the name ends in "/".
    public let isDirectory: Bool
    /// True when flag bit 0 (encrypted) or bit 6 (strong encryption) is set.
    public let isEncrypted: Bool
    /// The name's bytes exactly as stored, compared against the local header.
    let rawName: [UInt8]
}

/// Bounds applied while reading entries. The defaults suit office documents and EPUBs.
public struct ZipLimits: Sendable, Equatable {
    /// Largest uncompressed size one entry may declare (and so produce).
    public var maxEntrySize: Int
    /// Largest total of bytes all `read` calls on one archive may produce together.
    public var maxTotalSize: Int
    /// Largest uncompressed / compressed ratio, checked for entries above `ratioThreshold`.
    /// Deflate cannot exceed about 1032:1; real text rarely passes 20:1 and XML 100:1.
    public var maxRatio: Int
    /// Entries declaring at most this many bytes skip the ratio check (tiny repetitive files).
    public var ratioThreshold: Int

    public init(maxEntrySize: Int = 256 << 20, maxTotalSize: Int = 1 << 30,
                maxRatio: Int = 200, ratioThreshold: Int = 1 << 20) {
        self.maxEntrySize = maxEntrySize
        self.maxTotalSize = maxTotalSize
        self.maxRatio = maxRatio
        self.ratioThreshold = ratioThreshold
    }

    /// 256 MiB per entry, 1 GiB per archive, 200:1 above 1 MiB.
    public static let standard = ZipLimits()
}
