// CRC-32 (ISO-HDLC / ZIP / gzip polynomial) and Adler-32 (zlib), the two checksums the archive
// readers verify. Written from RFC 1952 section 8 and RFC 1950 section 9.

/// Checksums used by gzip, ZIP and zlib streams.
public enum Checksum {
    /// The CRC-32 of `bytes`, continuing from `crc` (pass the previous result to checksum data
    /// in pieces; 0 starts afresh). Slicing-by-8: eight bytes per step through eight tables.
    public static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        let t = CRCTables.shared.table
        var c = ~crc
        var p = base
        var n = bytes.count
        while n >= 8 {
            // Fold the current CRC into the first four bytes, then look all eight bytes up at
            // once: table k gives the effect of a byte followed by k zero bytes.
            let word = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
            let lo = UInt32(truncatingIfNeeded: word) ^ c
            let hi = UInt32(truncatingIfNeeded: word &>> 32)
            c = t[7 &* 256 &+ Int(lo & 0xFF)]
                ^ t[6 &* 256 &+ Int((lo &>> 8) & 0xFF)]
                ^ t[5 &* 256 &+ Int((lo &>> 16) & 0xFF)]
                ^ t[4 &* 256 &+ Int(lo &>> 24)]
                ^ t[3 &* 256 &+ Int(hi & 0xFF)]
                ^ t[2 &* 256 &+ Int((hi &>> 8) & 0xFF)]
                ^ t[1 &* 256 &+ Int((hi &>> 16) & 0xFF)]
                ^ t[Int(hi &>> 24)]
            p += 8
            n &-= 8
        }
        while n > 0 {
            c = t[Int((c ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (c &>> 8)
            p += 1
            n &-= 1
        }
        return ~c
    }

    /// The CRC-32 of `bytes`, continuing from `crc`.
    public static func crc32(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { crc32($0, continuing: crc) }
    }

    /// The Adler-32 of `bytes`, continuing from `adler` (1 starts afresh).
    public static func adler32(_ bytes: UnsafeRawBufferPointer, continuing adler: UInt32 = 1) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return adler }
        let mod: UInt32 = 65521
        // 5552 is the largest n for which 255*n*(n+1)/2 + (n+1)*(mod-1) fits in 32 bits, so the
        // sums may run that long before they need reducing.
        let nmax = 5552
        var a = adler & 0xFFFF
        var b = adler &>> 16
        var p = base.assumingMemoryBound(to: UInt8.self)
        var left = bytes.count
        while left > 0 {
            var n = min(left, nmax)
            left -= n
            while n >= 8 {
                a &+= UInt32(p[0]); b &+= a
                a &+= UInt32(p[1]); b &+= a
                a &+= UInt32(p[2]); b &+= a
                a &+= UInt32(p[3]); b &+= a
                a &+= UInt32(p[4]); b &+= a
                a &+= UInt32(p[5]); b &+= a
                a &+= UInt32(p[6]); b &+= a
                a &+= UInt32(p[7]); b &+= a
                p += 8
                n &-= 8
            }
            while n > 0 {
                a &+= UInt32(p[0]); b &+= a
                p += 1
                n &-= 1
            }
            a %= mod
            b %= mod
        }
        return (b &<< 16) | a
    }

    /// The Adler-32 of `bytes`, continuing from `adler`.
    public static func adler32(_ bytes: [UInt8], continuing adler: UInt32 = 1) -> UInt32 {
        bytes.withUnsafeBytes { adler32($0, continuing: adler) }
    }
}

/// The eight 256-entry slicing tables for the reflected polynomial 0xEDB88320, built once.
private final class CRCTables: @unchecked Sendable {
    static let shared = CRCTables()
    /// 8 x 256 entries; never freed (one process-wide instance). Immutable after init.
    let table: UnsafeMutablePointer<UInt32>

    private init() {
        table = .allocate(capacity: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c &>> 1) ^ 0xEDB8_8320 : c &>> 1 }
            table[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let prev = table[(k - 1) * 256 + i]
                table[k * 256 + i] = table[Int(prev & 0xFF)] ^ (prev &>> 8)
            }
        }
    }
}
