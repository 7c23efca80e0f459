// Byte-level BPE encoding of raw text (no special tokens): pre-tokenize into words, then merge
// each word's bytes by rank — lowest rank first, leftmost first on ties — with a word cache.
import Synchronization

/// Encodes text fragments with a `gpt2` vocabulary.
final class BPEEncoder: Sendable {
    private let vocabulary: Vocabulary
    private let preTokenizer: PreTokenizer
    private let merges: MergeTable
    /// Token id of each byte's stand-in character (-1 when the vocabulary lacks it).
    private let byteToken: [Int32]
    /// What llama.cpp emits for a byte inside a symbol that is not a token: the single-byte tokens
    /// of the stand-in character's UTF-8 bytes, when they exist (in practice only ASCII).
    private let byteFallback: [[Int32]]
    private let cache = Mutex<WordCache>(WordCache())

    init(vocabulary: Vocabulary, preTokenizer: PreTokenizer, merges: MergeTable) {
        self.vocabulary = vocabulary
        self.preTokenizer = preTokenizer
        self.merges = merges
        var byteToken = [Int32](repeating: -1, count: 256)
        var fallback = [[Int32]](repeating: [], count: 256)
        for b in 0..<256 {
            var utf8: [UInt8] = []
            LenientUTF8.append(ByteLevel.characterOfByte[b], to: &utf8)
            byteToken[b] = vocabulary.id(of: utf8) ?? -1
            fallback[b] = utf8.compactMap { vocabulary.id(of: [$0]) }
        }
        self.byteToken = byteToken
        self.byteFallback = fallback
    }

    /// Appends the ids of `text` (raw bytes, any UTF-8 validity) to `out`.
    func encode(_ text: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        var cps: [UInt32] = []
        LenientUTF8.decode(text, into: &cps)
        var ends: [Int] = []
        var scratch: [Int] = []
        cps.withUnsafeBufferPointer { preTokenizer.split($0, ends: &ends, scratch: &scratch) }
        var word: [UInt8] = []
        var state = MergeState()
        var start = 0
        for end in ends {
            word.removeAll(keepingCapacity: true)
            // Words are rebuilt from codepoints, so invalid input bytes arrive as U+FFFD (as in llama.cpp).
            for i in start..<end { LenientUTF8.append(cps[i], to: &word) }
            start = end
            word.withUnsafeBufferPointer { encodeWord($0, state: &state, into: &out) }
        }
    }

    private func encodeWord(_ word: UnsafeBufferPointer<UInt8>, state: inout MergeState, into out: inout [Int32]) {
        if word.count == 1, byteToken[Int(word[0])] >= 0 {
            out.append(byteToken[Int(word[0])])
            return
        }
        let hash = ByteStringTable.hash(word)
        if let hit = cache.withLock({ $0.find(hash: hash, word: word) }) {
            out.append(contentsOf: hit)
            return
        }
        let first = out.count
        if vocabulary.ignoreMerges {
            // Llama 3 style: a word that is a token is emitted whole, merges or not.
            state.encoded.removeAll(keepingCapacity: true)
            ByteLevel.encode(word, into: &state.encoded)
            if let id = state.encoded.withUnsafeBufferPointer({ vocabulary.id(of: $0) }) {
                out.append(id)
                store(hash, word, Array(out[first...]))
                return
            }
        }
        merge(word, state: &state, into: &out)
        store(hash, word, Array(out[first...]))
    }

    private func store(_ hash: Int, _ word: UnsafeBufferPointer<UInt8>, _ ids: [Int32]) {
        cache.withLock { $0.insert(hash: hash, word: Array(word), ids: ids) }
    }

    /// The merge loop over one word's symbols (a doubly linked list over the bytes).
    private func merge(_ word: UnsafeBufferPointer<UInt8>, state s: inout MergeState, into out: inout [Int32]) {
        let n = word.count
        s.reset(n)
        for i in 0..<n {
            s.ids[i] = byteToken[Int(word[i])]
            s.lengths[i] = 1
            s.prev[i] = i - 1
            s.next[i] = i + 1 < n ? i + 1 : -1
        }
        for i in 1..<max(n, 1) { push(i - 1, i, &s) }
        while let b = s.heap.pop() {
            let l = Int(b.left), r = Int(b.right)
            // Stale entries: a side was merged away or changed since this pair was queued.
            if s.lengths[l] == 0 || s.lengths[r] == 0 || s.next[l] != r
                || s.ids[l] != b.leftID || s.ids[r] != b.rightID { continue }
            s.ids[l] = b.result
            s.lengths[l] += s.lengths[r]
            s.lengths[r] = 0
            s.next[l] = s.next[r]
            if s.next[r] >= 0 { s.prev[s.next[r]] = l }
            if s.prev[l] >= 0 { push(s.prev[l], l, &s) }
            if s.next[l] >= 0 { push(l, s.next[l], &s) }
        }
        var i = 0
        var offset = 0
        while i >= 0 && i < n {
            let len = s.lengths[i]
            if s.ids[i] >= 0 {
                out.append(s.ids[i])
            } else {
                for k in offset..<(offset + len) { out.append(contentsOf: byteFallback[Int(word[k])]) }
            }
            offset += len
            i = s.next[i]
        }
    }

    @inline(__always) private func push(_ left: Int, _ right: Int, _ s: inout MergeState) {
        let l = s.ids[left], r = s.ids[right]
        guard l >= 0, r >= 0, let m = merges.lookup(l, r) else { return }
        s.heap.push(Bigram(rank: m.rank, left: Int32(left), right: Int32(right), leftID: l, rightID: r, result: m.result))
    }
}

/// One queued merge candidate.
struct Bigram {
    var rank: Int32
    var left: Int32
    var right: Int32
    var leftID: Int32
    var rightID: Int32
    var result: Int32

    /// Lower rank first; on equal ranks the leftmost pair first.
    @inline(__always) func precedes(_ o: Bigram) -> Bool { rank != o.rank ? rank < o.rank : left < o.left }
}

/// A binary min-heap of bigrams (kept between words to reuse its storage).
struct BigramHeap {
    private(set) var items: [Bigram] = []

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    mutating func push(_ b: Bigram) {
        items.append(b)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if !items[i].precedes(items[parent]) { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Bigram? {
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

/// Scratch arrays of the merge loop, reused across the words of one call.
private struct MergeState {
    var ids: [Int32] = []
    var lengths: [Int] = []
    var prev: [Int] = []
    var next: [Int] = []
    var heap = BigramHeap()
    var encoded: [UInt8] = []

    mutating func reset(_ n: Int) {
        if ids.count < n {
            ids = [Int32](repeating: 0, count: n)
            lengths = [Int](repeating: 0, count: n)
            prev = [Int](repeating: 0, count: n)
            next = [Int](repeating: 0, count: n)
        }
        heap.removeAll()
    }
}

/// Recently encoded words, keyed by the hash of their bytes (the bytes are compared on a hit).
struct WordCache {
    private var entries: [Int: (word: [UInt8], ids: [Int32])] = [:]
    /// Past this many words the cache starts over, bounding memory on huge inputs.
    static let limit = 1 << 16

    func find(hash: Int, word: UnsafeBufferPointer<UInt8>) -> [Int32]? {
        guard let e = entries[hash], e.word.count == word.count else { return nil }
        return e.word.withUnsafeBufferPointer { ByteStringTable.equal($0, word) } ? e.ids : nil
    }

    mutating func insert(hash: Int, word: [UInt8], ids: [Int32]) {
        if entries.count >= Self.limit { entries.removeAll(keepingCapacity: true) }
        entries[hash] = (word, ids)
    }
}
