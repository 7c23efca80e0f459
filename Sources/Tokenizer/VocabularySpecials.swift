// Splits special-token texts out of raw input before the model's tokenizer sees it, with the
// same outcome as llama.cpp's tokenizer_st_partition: tokens in priority order (longest text
// first), each claiming its left-to-right occurrences in what earlier tokens left unclaimed.

/// A piece of input after special tokens are split out.
enum Fragment: Equatable {
    /// Raw text: a byte range of the input.
    case text(Range<Int>)
    /// A special token found literally in the input.
    case token(Int32)
}

extension Vocabulary {
    /// Splits `bytes` into raw-text and special-token fragments.
    ///
    /// User-defined tokens are always split out; control and unknown tokens only when
    /// `parseSpecial` is set. Tokens with the lstrip/rstrip attribute also swallow the ASCII
    /// whitespace beside them.
    func partition(_ bytes: UnsafeBufferPointer<UInt8>, parseSpecial: Bool) -> [Fragment] {
        let n = bytes.count
        if n == 0 { return [] }
        let candidates = parseSpecial ? specialTokens : userDefinedSpecials
        if candidates.isEmpty { return [.text(0..<n)] }

        // Every occurrence of every candidate, found through the first byte of its text.
        var occurrences: [(rank: Int32, position: Int32)] = []
        let firsts = parseSpecial ? firstByteIndex : userDefinedFirstByteIndex
        blob.withUnsafeBufferPointer { all in
            for p in 0..<n {
                let list = firsts[Int(bytes[p])]
                if list.isEmpty { continue }
                for rank in list {
                    let id = Int(candidates[Int(rank)])
                    let start = offsets[id], len = offsets[id + 1] - start
                    if p + len > n { continue }
                    var k = 0
                    while k < len && all[start + k] == bytes[p + k] { k += 1 }
                    if k == len { occurrences.append((rank, Int32(p))) }
                }
            }
        }
        if occurrences.isEmpty { return [.text(0..<n)] }
        occurrences.sort { $0.rank != $1.rank ? $0.rank < $1.rank : $0.position < $1.position }

        // Claim in priority order; an occurrence overlapping anything claimed is not a match.
        var claimed = [Bool](repeating: false, count: n)
        var found: [(position: Int, id: Int32)] = []
        @inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
        for occ in occurrences {
            let id = Int(candidates[Int(occ.rank)])
            let p = Int(occ.position), len = textLength(id)
            var free = true
            for k in p..<(p + len) where claimed[k] { free = false; break }
            if !free { continue }
            for k in p..<(p + len) { claimed[k] = true }
            found.append((p, Int32(id)))
            if attributes[id].contains(.lstrip) {
                var k = p - 1
                while k >= 0 && !claimed[k] && isSpace(bytes[k]) { claimed[k] = true; k -= 1 }
            }
            if attributes[id].contains(.rstrip) {
                var k = p + len
                while k < n && !claimed[k] && isSpace(bytes[k]) { claimed[k] = true; k += 1 }
            }
        }
        found.sort { $0.position < $1.position }

        // Unclaimed runs are text; claimed bytes that start no token were stripped whitespace.
        var fragments: [Fragment] = []
        var next = 0
        var p = 0
        while p < n {
            if next < found.count && found[next].position == p {
                fragments.append(.token(found[next].id))
                p += textLength(Int(found[next].id))
                next += 1
            } else if claimed[p] {
                p += 1
            } else {
                let s = p
                while p < n && !claimed[p] { p += 1 }
                fragments.append(.text(s..<p))
            }
        }
        return fragments
    }
}

/// Look-up tables for `partition`, built once per vocabulary.
struct SpecialIndex: Sendable {
    /// User-defined tokens only (in priority order): what is split out without `parseSpecial`.
    let userDefined: [Int32]
    /// For each first byte, the ranks (indices into the candidate list) of tokens starting with it.
    let all: [[Int32]]
    let userDefinedOnly: [[Int32]]

    /// No special tokens.
    init() {
        userDefined = []
        all = [[Int32]](repeating: [], count: 256)
        userDefinedOnly = all
    }

    init(_ v: Vocabulary) {
        userDefined = v.specialTokens.filter { v.attributes[Int($0)].isDisjoint(with: [.control, .unknown]) }
        func index(_ list: [Int32]) -> [[Int32]] {
            var table = [[Int32]](repeating: [], count: 256)
            for (rank, id) in list.enumerated() where v.textLength(Int(id)) > 0 {
                table[Int(v.blob[v.offsets[Int(id)]])].append(Int32(rank))
            }
            return table
        }
        all = index(v.specialTokens)
        userDefinedOnly = index(userDefined)
    }
}

extension Vocabulary {
    fileprivate var userDefinedSpecials: [Int32] { specialIndex.userDefined }
    fileprivate var firstByteIndex: [[Int32]] { specialIndex.all }
    fileprivate var userDefinedFirstByteIndex: [[Int32]] { specialIndex.userDefinedOnly }
}
