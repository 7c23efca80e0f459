// SentencePiece (`llama` model) encoding of raw text: spaces become "▁", then adjacent symbols
// merge by the score of the token they form — highest first, leftmost on ties — and characters
// left without a token fall back to <0xXX> byte tokens.

/// Encodes text fragments with a `llama` vocabulary.
final class SentencePieceEncoder: Sendable {
    private let vocabulary: Vocabulary
    /// Byte fallback ids: "<0xXX>", else the one-byte token, else nil.
    private let byteTokens: [Int32?]

    init(vocabulary v: Vocabulary) {
        vocabulary = v
        byteTokens = (0..<256).map { b in
            let hex = Array("0123456789ABCDEF".utf8)
            let name: [UInt8] = [0x3C, 0x30, 0x78, hex[b >> 4], hex[b & 15], 0x3E]     // <0xXX>
            return v.id(of: name) ?? v.id(of: [UInt8(b)])
        }
    }

    /// Appends the ids of one raw-text fragment to `out`; `prefixSpace` adds the leading "▁".
    func encode(_ text: UnsafeBufferPointer<UInt8>, prefixSpace: Bool, into out: inout [Int32]) {
        // Escape: ' ' → U+2581 (E2 96 81).
        var s: [UInt8] = []
        s.reserveCapacity(text.count + text.count / 4 + 3)
        if prefixSpace { s.append(contentsOf: [0xE2, 0x96, 0x81]) }
        for b in text {
            if b == 0x20 { s.append(contentsOf: [0xE2, 0x96, 0x81]) } else { s.append(b) }
        }
        s.withUnsafeBufferPointer { encodeEscaped($0, into: &out) }
    }

    private func encodeEscaped(_ s: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        // Symbols are UTF-8 characters by their lead byte alone (no validation), as in llama.cpp.
        var starts: [Int] = []
        var lengths: [Int] = []
        var offset = 0
        while offset < s.count {
            let lead = s[offset]
            let len = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            let n = min(len, s.count - offset)
            starts.append(offset)
            lengths.append(n)
            offset += n
        }
        let count = starts.count
        if count == 0 { return }
        var prev = (0..<count).map { $0 - 1 }
        var next = (0..<count).map { $0 + 1 < count ? $0 + 1 : -1 }
        var heap = ScoredHeap()

        func tryAdd(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0 else { return }
            let size = lengths[left] + lengths[right]
            let piece = UnsafeBufferPointer(rebasing: s[starts[left]..<(starts[left] + size)])
            guard let id = vocabulary.id(of: piece) else { return }
            heap.push(ScoredBigram(score: vocabulary.scores[Int(id)], left: left, right: right, size: size))
        }
        for i in 1..<max(count, 1) { tryAdd(i - 1, i) }
        while let b = heap.pop() {
            let l = b.left, r = b.right
            if lengths[l] == 0 || lengths[r] == 0 || lengths[l] + lengths[r] != b.size { continue }
            lengths[l] += lengths[r]
            lengths[r] = 0
            next[l] = next[r]
            if next[r] >= 0 { prev[next[r]] = l }
            tryAdd(prev[l], l)
            tryAdd(l, next[l])
        }
        var i = 0
        while i >= 0 {
            let piece = UnsafeBufferPointer(rebasing: s[starts[i]..<(starts[i] + lengths[i])])
            if let id = vocabulary.id(of: piece) {
                out.append(id)
            } else {
                // Merged symbols always form tokens, so this is a lone character missing from the
                // vocabulary: spell it in byte tokens (or <unk> when even those are missing).
                for b in piece {
                    if let id = byteTokens[Int(b)] { out.append(id) } else if let unk = vocabulary.unk { out.append(unk) }
                }
            }
            i = next[i]
        }
    }
}

/// A SentencePiece merge candidate.
private struct ScoredBigram {
    var score: Float
    var left: Int
    var right: Int
    var size: Int

    /// Higher score first; on equal scores the leftmost pair first.
    @inline(__always) func precedes(_ o: ScoredBigram) -> Bool { score != o.score ? score > o.score : left < o.left }
}

/// A binary heap of scored bigrams, best first.
private struct ScoredHeap {
    private var items: [ScoredBigram] = []

    mutating func push(_ b: ScoredBigram) {
        items.append(b)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if !items[i].precedes(items[parent]) { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> ScoredBigram? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            let n = items.count
            while true {
                let a = 2 * i + 1, b = a + 1
                var m = i
                if a < n && items[a].precedes(items[m]) { m = a }
                if b < n && items[b].precedes(items[m]) { m = b }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
