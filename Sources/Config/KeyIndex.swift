// Key lookup for tables, by UTF-8 bytes. TOML keys are sequences of code points, so "é" and
// "e\u{301}" are two keys, while Swift's String == (and so Dictionary) would merge them.

/// Key → position in a table's entries. Small tables are scanned; past `linearLimit` keys an
/// open-addressing table hashed with FNV-1a takes over. (Besides the byte semantics, this
/// avoids Hasher's per-call setup, which dominated profiles of wide tables.)
struct KeyIndex: Sendable {
    private(set) var keys: [String] = []
    /// Positions + 1 (0 is empty); count is a power of two, at most half full.
    private var buckets: [Int32] = []

    static let linearLimit = 12

    var count: Int { keys.count }

    /// Where `key` is, or nil.
    func position(of key: String) -> Int? {
        if buckets.isEmpty {
            return keys.firstIndex { sameBytes($0, key) }
        }
        let mask = buckets.count - 1
        var i = Int(truncatingIfNeeded: hash(key)) & mask
        while buckets[i] != 0 {
            let p = Int(buckets[i]) - 1
            if sameBytes(keys[p], key) { return p }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Appends `key` (which must be absent) at the next position.
    mutating func append(_ key: String) {
        keys.append(key)
        if buckets.isEmpty {
            if keys.count > Self.linearLimit { rebuild(capacity: 64) }
        } else if keys.count * 2 > buckets.count {
            rebuild(capacity: buckets.count * 2)
        } else {
            place(keys.count - 1)
        }
    }

    private mutating func rebuild(capacity: Int) {
        buckets = Array(repeating: 0, count: capacity)
        for p in keys.indices { place(p) }
    }

    private mutating func place(_ p: Int) {
        let mask = buckets.count - 1
        var i = Int(truncatingIfNeeded: hash(keys[p])) & mask
        while buckets[i] != 0 { i = (i + 1) & mask }
        buckets[i] = Int32(truncatingIfNeeded: p + 1)
    }

    private func hash(_ key: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in key.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h ^ (h >> 29) // FNV's low bits mix poorly; fold high bits in for the mask
    }
}

@inline(__always)
func sameBytes(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8)
}
