// The HNSW graph file, version 1 (docs/index-format.md): header, levels, upper-record starts,
// layer-0 records, upper records. Read whole (a few MB) and checked link by link, so a corrupt
// file is refused before any search could follow a bad link.
import Posix

enum HNSWFile {
    static let magic: [UInt8] = Array("NHNS".utf8)
    static let version: UInt32 = 1
    static let headerSize = 64

    static func aligned8(_ n: Int) -> Int { (n + 7) / 8 * 8 }

    /// The file bytes of `g`, tied to the vector files of `buildID`.
    static func encode(_ g: HNSWGraph, buildID: UInt64) -> [UInt8] {
        var w = ByteWriter()
        w.raw(magic, 4)
        w.u32(version)
        w.u32(UInt32(g.m))
        w.u32(UInt32(g.parameters.efConstruction))
        w.u64(UInt64(g.count))
        w.u64(UInt64(g.upperCount))
        w.u32(UInt32(bitPattern: g.entry))
        w.u32(UInt32(g.maxLevel))
        w.u64(buildID)
        w.u64(0)
        w.u64(0)
        w.raw(g.levels, g.count)
        w.pad(to: 8)
        w.raw(g.upperStart, g.count * 4)
        w.pad(to: 8)
        w.raw(g.level0, g.count * g.stride0 * 4)
        w.raw(g.upper, g.upperCount * g.strideUpper * 4)
        let data = w.bytes.withUnsafeBytes { WordHash.hash(UnsafeRawBufferPointer(rebasing: $0[headerSize...])) }
        w.patch(48, data)
        let header = w.bytes.withUnsafeBytes { WordHash.hash(UnsafeRawBufferPointer(rebasing: $0[0..<56])) }
        w.patch(56, header)
        return w.bytes
    }

    /// Reads and checks a graph file for a slab of `nodes` slots built as `buildID`.
    /// - Throws: `IndexError.vectorFile` for any inconsistency, `.vectorFileVersion` for a newer file.
    static func load(path: String, nodes: Int, buildID: UInt64, seed: UInt64) throws -> HNSWGraph {
        func fail(_ r: String) -> IndexError { IndexError.vectorFile(path: path, reason: r) }
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path) } catch { throw fail("cannot read: \(error)") }
        return try bytes.withUnsafeBytes { b -> HNSWGraph in
            guard b.count >= headerSize else { throw fail("file is \(b.count) bytes, shorter than the 64-byte header") }
            guard Array(b[0..<4]) == magic else { throw fail("not a graph file (bad magic)") }
            let v = b.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
            guard v <= version else { throw IndexError.vectorFileVersion(path: path, found: Int(v), supported: Int(version)) }
            guard v == version else { throw fail("version \(v) is not a valid version") }
            guard WordHash.hash(UnsafeRawBufferPointer(rebasing: b[0..<56])) == b.loadUnaligned(fromByteOffset: 56, as: UInt64.self).littleEndian else {
                throw fail("header checksum mismatch")
            }
            let m = Int(b.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian)
            let efc = Int(b.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian)
            let count64 = b.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian
            let upper64 = b.loadUnaligned(fromByteOffset: 24, as: UInt64.self).littleEndian
            let entry = Int32(bitPattern: b.loadUnaligned(fromByteOffset: 32, as: UInt32.self).littleEndian)
            let maxLevel = Int(b.loadUnaligned(fromByteOffset: 36, as: UInt32.self).littleEndian)
            guard b.loadUnaligned(fromByteOffset: 40, as: UInt64.self).littleEndian == buildID else {
                throw fail("belongs to another build of the vector files")
            }
            guard (2...128).contains(m), efc >= m, efc <= 1 << 20 else { throw fail("parameters M=\(m) efConstruction=\(efc) out of range") }
            guard count64 == UInt64(nodes) else { throw fail("covers \(count64) nodes; the vector files hold \(nodes)") }
            guard upper64 <= UInt64(nodes) * 32 else { throw fail("\(upper64) upper records for \(nodes) nodes") }
            let count = nodes, upperCount = Int(upper64)
            let stride0 = 1 + 2 * m, strideUpper = 1 + m
            let levelsAt = headerSize
            let startsAt = aligned8(levelsAt + count)
            let level0At = aligned8(startsAt + count * 4)
            let upperAt = level0At + count * stride0 * 4
            let end = upperAt + upperCount * strideUpper * 4
            guard b.count == end else { throw fail("file is \(b.count) bytes; its header needs exactly \(end)") }
            guard WordHash.hash(UnsafeRawBufferPointer(rebasing: b[headerSize...])) == b.loadUnaligned(fromByteOffset: 48, as: UInt64.self).littleEndian else {
                throw fail("data checksum mismatch")
            }
            guard let base = b.baseAddress else { throw fail("empty file") }
            let levels = Array(UnsafeBufferPointer(start: (base + levelsAt).assumingMemoryBound(to: UInt8.self), count: count))
            var starts = [Int32](repeating: 0, count: count)
            for i in 0..<count { starts[i] = Int32(bitPattern: b.loadUnaligned(fromByteOffset: startsAt + 4 * i, as: UInt32.self).littleEndian) }
            // Structure: every record within bounds, every link to an existing node that has the
            // link's layer (the search follows links without checking).
            if count == 0 {
                guard entry == -1 else { throw fail("empty graph with an entry point") }
            } else {
                guard entry >= 0, Int(entry) < count, Int(levels[Int(entry)]) == maxLevel else { throw fail("bad entry point \(entry)") }
            }
            func word(_ offset: Int) -> Int { Int(b.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian) }
            for i in 0..<count {
                let lv = Int(levels[i])
                guard lv <= maxLevel, lv <= 31 else { throw fail("node \(i) has level \(lv) above the top \(maxLevel)") }
                if lv == 0 {
                    guard starts[i] == -1 else { throw fail("node \(i) has upper records but level 0") }
                } else {
                    guard starts[i] >= 0, Int(starts[i]) + lv <= upperCount else { throw fail("node \(i): upper records out of range") }
                }
                for layer in 0...lv {
                    let at = layer == 0 ? level0At + i * stride0 * 4 : upperAt + (Int(starts[i]) + layer - 1) * strideUpper * 4
                    let n = word(at)
                    guard n <= (layer == 0 ? 2 * m : m) else { throw fail("node \(i) layer \(layer): \(n) links") }
                    for j in 0..<n {
                        let e = word(at + 4 * (j + 1))
                        guard e < count, Int(levels[e]) >= layer else { throw fail("node \(i) layer \(layer): bad link \(e)") }
                    }
                }
            }
            return HNSWGraph(parameters: HNSWParameters(m: m, efConstruction: efc, seed: seed), count: count, levels: levels,
                             level0: base + level0At, upperStart: starts, upper: base + upperAt, upperCount: upperCount,
                             entry: entry, maxLevel: maxLevel)
        }
    }
}
