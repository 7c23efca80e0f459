// GPT-2's byte ↔ character mapping and the merge table of a byte-level BPE vocabulary, keyed by
// token ids so the merge loop never builds strings.
import GGUF

/// GPT-2's reversible map between the 256 byte values and printable Unicode characters.
enum ByteLevel {
    /// The character standing for each byte: printable Latin-1 bytes stand for themselves, the
    /// other 68 are shifted to U+0100 and up, in byte order.
    static let characterOfByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    /// The byte a character stands for, or nil when it is not one of the 256.
    static func byte(of cp: UInt32) -> UInt8? {
        if cp < 0x100 {
            let b = Int(cp)
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) { return UInt8(b) }
            return nil
        }
        return cp < 0x144 ? shiftedBytes[Int(cp - 0x100)] : nil
    }

    private static let shiftedBytes: [UInt8] = (0..<256).compactMap { b in
        characterOfByte[b] >= 0x100 ? UInt8(b) : nil
    }

    /// Appends the byte-level encoding (UTF-8 of the stand-in characters) of `bytes`.
    static func encode(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        for b in bytes { LenientUTF8.append(characterOfByte[Int(b)], to: &out) }
    }
}

/// Merge rank and result for each mergeable (left id, right id) pair.
///
/// Every merge in the vocabularies we test names two tokens and yields a token; a merge whose
/// parts are not tokens can never apply to token ids and is dropped, and one whose result is not
/// a token yields an id of -1 (its bytes then go out through the byte fallback).
struct MergeTable: Sendable {
    private var keys: [UInt64]          // left << 32 | right, or UInt64.max when empty
    private var values: [UInt64]        // rank << 32 | UInt32(bitPattern: result)
    private let mask: Int
    let count: Int

    /// Builds the table from `tokenizer.ggml.merges` ("left right", first space after byte 0).
    /// - Throws: `TokenizerError.metadata` when the key is missing or not a string array.
    init(metadata md: Metadata, vocabulary v: Vocabulary) throws {
        let merges: MetadataArray
        do { merges = try md.array("tokenizer.ggml.merges") } catch let e as GGUFError { throw TokenizerError.metadata(e) }
        guard merges.elementType == .string || merges.isEmpty else {
            throw TokenizerError.metadata(.wrongType(key: "tokenizer.ggml.merges", expected: "array[string]",
                                                     found: merges.typeName))
        }
        var capacity = 16
        while capacity < merges.count * 2 { capacity <<= 1 }
        mask = capacity - 1
        keys = [UInt64](repeating: .max, count: capacity)
        values = [UInt64](repeating: 0, count: capacity)
        count = merges.count
        var joined: [UInt8] = []
        for rank in 0..<merges.count {
            _ = merges.withStringBytes(at: rank) { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                // llama.cpp splits at the first space after the first byte (a part may start with one).
                guard bytes.count > 2, let space = bytes[1...].firstIndex(of: 0x20) else { return }
                let left = UnsafeBufferPointer(rebasing: bytes[0..<space])
                let right = UnsafeBufferPointer(rebasing: bytes[(space + 1)...])
                guard let l = v.id(of: left), let r = v.id(of: right) else { return }
                joined.removeAll(keepingCapacity: true)
                joined.append(contentsOf: left)
                joined.append(contentsOf: right)
                let result = v.id(of: joined) ?? -1
                insert(key: UInt64(UInt32(l)) << 32 | UInt64(UInt32(r)),
                       value: UInt64(rank) << 32 | UInt64(UInt32(bitPattern: result)))
            }
        }
    }

    /// Keeps the first (lowest) rank when a pair is listed twice, like llama.cpp's map emplace.
    private mutating func insert(key: UInt64, value: UInt64) {
        var i = Self.slot(key) & mask
        while keys[i] != .max {
            if keys[i] == key { return }
            i = (i + 1) & mask
        }
        keys[i] = key
        values[i] = value
    }

    /// (rank, result id) of merging `left` and `right`, or nil.
    @inline(__always) func lookup(_ left: Int32, _ right: Int32) -> (rank: Int32, result: Int32)? {
        let key = UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
        var i = Self.slot(key) & mask
        return keys.withUnsafeBufferPointer { k in
            while true {
                let found = k[i]
                if found == key {
                    let v = values[i]
                    return (Int32(truncatingIfNeeded: v >> 32), Int32(bitPattern: UInt32(truncatingIfNeeded: v)))
                }
                if found == .max { return nil }
                i = (i + 1) & mask
            }
        }
    }

    @inline(__always) private static func slot(_ key: UInt64) -> Int {
        var h = key &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 31
        return Int(truncatingIfNeeded: h)
    }
}
