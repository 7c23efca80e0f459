// The vector file format, version 1 (docs/index-format.md): a 64-byte little-endian header, the
// chunk ids, the per-vector scales (int8 files), then the vectors; memory-mapped, every length
// bounds-checked against the file size before any pointer is formed.
import Posix

/// Element type of a vector file.
public enum VectorElement: UInt32, Sendable {
    case f32 = 1
    case i8 = 2

    var size: Int { self == .f32 ? 4 : 1 }
    var name: String { self == .f32 ? "f32" : "i8" }
}

/// Word-wise FNV-1a over 64-bit little-endian words (the last partial word zero-padded), then
/// xor the byte length: a cheap corruption check, not a cryptographic hash.
enum WordHash {
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let n = bytes.count
        var i = 0
        while i + 8 <= n {
            h = (h ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* 0x0000_0100_0000_01b3
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            for k in 0..<(n - i) { w |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
            h = (h ^ w) &* 0x0000_0100_0000_01b3
        }
        return h ^ UInt64(n)
    }
}

/// Appends little-endian values to a byte array (file writers).
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
    mutating func raw(_ p: UnsafeRawPointer, _ n: Int) { bytes.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n)) }
    mutating func pad(to alignment: Int) { while bytes.count % alignment != 0 { bytes.append(0) } }

    /// Overwrites 8 bytes at `offset` (checksums written after the body).
    mutating func patch(_ offset: Int, _ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { for k in 0..<8 { bytes[offset + k] = $0[k] } }
    }
}

/// A mapped vector file, checked. Pointers stay valid while this object lives.
final class VectorFile: @unchecked Sendable {
    static let magic: [UInt8] = Array("NVEC".utf8)
    static let version: UInt32 = 1
    static let headerSize = 64

    let path: String
    let element: VectorElement
    let dimension: Int
    let count: Int
    let generation: Int64
    let indexID: UInt64
    let buildID: UInt64
    let dataChecksum: UInt64
    private let map: MappedFile
    /// `[count]` chunk ids, in slot order.
    let ids: UnsafePointer<Int64>?
    /// `[count]` scales (i8 files only).
    let scales: UnsafePointer<Float>?
    /// `[count, dimension]` elements.
    let data: UnsafeRawPointer?

    /// Byte offsets of the sections for `count` vectors.
    static func layout(element: VectorElement, dimension: Int, count: Int) -> (scales: Int, data: Int, end: Int)? {
        let (idBytes, o1) = count.multipliedReportingOverflow(by: 8)
        let (dataBytes, o2) = count.multipliedReportingOverflow(by: dimension &* element.size)
        guard !o1, !o2, dimension <= 65_536 else { return nil }
        let scales = headerSize + idBytes
        let afterScales = scales + (element == .i8 ? count * 4 : 0)
        let data = (afterScales + 63) / 64 * 64
        let (end, o3) = data.addingReportingOverflow(dataBytes)
        return o3 ? nil : (scales, data, end)
    }

    /// Maps and checks `path`: magic, version, header checksum, exact length. The data checksum
    /// is checked by `verify()` only, so opening does not read the vectors.
    /// - Throws: `IndexError.vectorFile` (corrupt, truncated, wrong kind) or
    ///   `IndexError.vectorFileVersion` (a newer format).
    init(path: String) throws {
        self.path = path
        do { map = try MappedFile(path: path) } catch {
            throw IndexError.vectorFile(path: path, reason: "cannot map: \(error)")
        }
        let b = map.bytes
        func fail(_ reason: String) -> IndexError { IndexError.vectorFile(path: path, reason: reason) }
        guard b.count >= Self.headerSize else { throw fail("file is \(b.count) bytes, shorter than the 64-byte header") }
        guard Array(b[0..<4]) == Self.magic else { throw fail("not a vector file (bad magic)") }
        let version = b.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
        guard version <= Self.version else {
            throw IndexError.vectorFileVersion(path: path, found: Int(version), supported: Int(Self.version))
        }
        guard version == Self.version else { throw fail("version \(version) is not a valid version") }
        let stored = b.loadUnaligned(fromByteOffset: 56, as: UInt64.self).littleEndian
        guard WordHash.hash(UnsafeRawBufferPointer(rebasing: b[0..<56])) == stored else { throw fail("header checksum mismatch") }
        guard let el = VectorElement(rawValue: b.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian) else {
            throw fail("unknown element type")
        }
        element = el
        dimension = Int(b.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian)
        let rawCount = b.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian
        guard dimension >= 1, dimension <= 65_536 else { throw fail("dimension \(dimension) is out of range") }
        guard rawCount <= UInt64(Int.max / 16) else { throw fail("count \(rawCount) is out of range") }
        count = Int(rawCount)
        generation = Int64(bitPattern: b.loadUnaligned(fromByteOffset: 24, as: UInt64.self).littleEndian)
        indexID = b.loadUnaligned(fromByteOffset: 32, as: UInt64.self).littleEndian
        buildID = b.loadUnaligned(fromByteOffset: 40, as: UInt64.self).littleEndian
        dataChecksum = b.loadUnaligned(fromByteOffset: 48, as: UInt64.self).littleEndian
        guard let layout = Self.layout(element: el, dimension: dimension, count: count) else { throw fail("sizes overflow") }
        guard b.count == layout.end else {
            throw fail("file is \(b.count) bytes; \(count) vectors of \(dimension) \(el.name) need exactly \(layout.end)")
        }
        if count == 0 {
            ids = nil
            scales = nil
            data = nil
        } else {
            // The map is page-aligned and every section offset is a multiple of its element size.
            guard let base = b.baseAddress else { throw fail("empty map") }
            ids = (base + Self.headerSize).assumingMemoryBound(to: Int64.self)
            scales = el == .i8 ? (base + layout.scales).assumingMemoryBound(to: Float.self) : nil
            data = base + layout.data
        }
    }

    /// Checks the data checksum (reads the whole file).
    /// - Throws: `IndexError.vectorFile` on a mismatch.
    func verify() throws {
        let body = UnsafeRawBufferPointer(rebasing: map.bytes[Self.headerSize...])
        guard WordHash.hash(body) == dataChecksum else {
            throw IndexError.vectorFile(path: path, reason: "data checksum mismatch")
        }
    }

    /// The bytes of a version-1 file holding `count` vectors read through the closures.
    static func encode(element: VectorElement, dimension: Int, count: Int, generation: Int64, indexID: UInt64, buildID: UInt64,
                       id: (Int) -> Int64, scale: (Int) -> Float, vector: (Int) -> UnsafeRawPointer) -> [UInt8] {
        var w = ByteWriter()
        let layout = Self.layout(element: element, dimension: dimension, count: count)
        w.bytes.reserveCapacity(layout?.end ?? 0)
        w.raw(magic, 4)
        w.u32(version)
        w.u32(element.rawValue)
        w.u32(UInt32(dimension))
        w.u64(UInt64(count))
        w.i64(generation)
        w.u64(indexID)
        w.u64(buildID)
        w.u64(0)   // data checksum, patched below
        w.u64(0)   // header checksum, patched below
        for i in 0..<count { w.i64(id(i)) }
        if element == .i8 { for i in 0..<count { w.f32(scale(i)) } }
        w.pad(to: 64)
        let rowBytes = dimension * element.size
        for i in 0..<count { w.raw(vector(i), rowBytes) }
        let data = w.bytes.withUnsafeBytes { WordHash.hash(UnsafeRawBufferPointer(rebasing: $0[headerSize...])) }
        w.patch(48, data)
        let header = w.bytes.withUnsafeBytes { WordHash.hash(UnsafeRawBufferPointer(rebasing: $0[0..<56])) }
        w.patch(56, header)
        return w.bytes
    }
}
