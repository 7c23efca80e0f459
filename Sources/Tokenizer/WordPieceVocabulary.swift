// The WordPiece vocabulary as an open-addressing hash table over UTF-8 bytes, so that the greedy
// longest-match loop can probe "##" + a byte slice of a word without building a String per probe.

/// Token bytes → id. Built once; lookups allocate nothing.
struct WordPieceVocabulary: Sendable {
    /// Every token's UTF-8 bytes, end to end.
    private let blob: [UInt8]
    /// Per id: where its bytes start in `blob` (`starts[id + 1]` is the end).
    private let starts: [Int32]
    /// Open-addressing slots holding id + 1 (0 = empty); the count is a power of two.
    private let slots: [Int32]

    var count: Int { starts.count - 1 }

    /// Later duplicates win, as in HF tokenizers (whose vocab is a map filled in file order).
    init(tokens: [[UInt8]]) {
        var blob: [UInt8] = []
        var starts: [Int32] = [0]
        blob.reserveCapacity(tokens.reduce(0) { $0 + $1.count })
        for t in tokens {
            blob.append(contentsOf: t)
            starts.append(Int32(blob.count))
        }
        var capacity = 16
        while capacity < tokens.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: 0, count: capacity)
        let mask = capacity - 1
        blob.withUnsafeBufferPointer { b in
            for id in 0..<tokens.count {
                let lo = Int(starts[id]), hi = Int(starts[id + 1])
                let bytes = UnsafeBufferPointer(rebasing: b[lo..<hi])
                var slot = Int(truncatingIfNeeded: Self.hash(continuation: false, bytes)) & mask
                while slots[slot] != 0 {
                    let other = Int(slots[slot] - 1)
                    if Self.equal(b, Int(starts[other]), Int(starts[other + 1]), continuation: false, bytes) { break }
                    slot = (slot + 1) & mask
                }
                slots[slot] = Int32(id + 1)
            }
        }
        self.blob = blob
        self.starts = starts
        self.slots = slots
    }

    /// The id of `bytes` (of "##" + `bytes` when `continuation`), or nil.
    func id(of bytes: UnsafeBufferPointer<UInt8>, continuation: Bool) -> Int32? {
        let mask = slots.count - 1
        return blob.withUnsafeBufferPointer { b in
            slots.withUnsafeBufferPointer { s in
                starts.withUnsafeBufferPointer { st in
                    var slot = Int(truncatingIfNeeded: Self.hash(continuation: continuation, bytes)) & mask
                    while s[slot] != 0 {
                        let id = Int(s[slot] - 1)
                        if Self.equal(b, Int(st[id]), Int(st[id + 1]), continuation: continuation, bytes) {
                            return Int32(id)
                        }
                        slot = (slot + 1) & mask
                    }
                    return nil
                }
            }
        }
    }

    /// The token text of `id`, or nil when out of range.
    func token(_ id: Int) -> String? {
        guard id >= 0, id < count else { return nil }
        return String(decoding: blob[Int(starts[id])..<Int(starts[id + 1])], as: UTF8.self)
    }

    /// FNV-1a over ("##" if `continuation`) + `bytes`.
    @inline(__always)
    private static func hash(continuation: Bool, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        if continuation {
            h = (h ^ 0x23) &* 0x100_0000_01b3
            h = (h ^ 0x23) &* 0x100_0000_01b3
        }
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h ^ (h >> 29)
    }

    @inline(__always)
    private static func equal(_ blob: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, continuation: Bool,
                              _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var at = lo
        if continuation {
            guard hi - lo == bytes.count + 2, blob[lo] == 0x23, blob[lo + 1] == 0x23 else { return false }
            at += 2
        } else if hi - lo != bytes.count {
            return false
        }
        for i in 0..<bytes.count where blob[at + i] != bytes[i] { return false }
        return true
    }
}
