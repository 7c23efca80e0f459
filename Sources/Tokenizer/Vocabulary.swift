// The token table of a GGUF tokenizer: texts as raw bytes in one blob, scores, attributes, the
// special ids and flags, and a byte-string hash for text → id. Loading lives in
// VocabularyLoading.swift; nothing here knows about merges or pre-tokenizers.

/// Per-token attributes, as llama.cpp derives them from `tokenizer.ggml.token_type` and names.
struct TokenAttributes: OptionSet, Sendable {
    let rawValue: UInt16
    init(rawValue: UInt16) { self.rawValue = rawValue }
    static let undefined = TokenAttributes([])
    static let unknown = TokenAttributes(rawValue: 1 << 0)
    static let unused = TokenAttributes(rawValue: 1 << 1)
    static let normal = TokenAttributes(rawValue: 1 << 2)
    static let control = TokenAttributes(rawValue: 1 << 3)
    static let userDefined = TokenAttributes(rawValue: 1 << 4)
    static let byte = TokenAttributes(rawValue: 1 << 5)
    /// Swallow whitespace to the left of the token when splitting specials out of text.
    static let lstrip = TokenAttributes(rawValue: 1 << 7)
    /// Swallow whitespace to the right of the token when splitting specials out of text.
    static let rstrip = TokenAttributes(rawValue: 1 << 8)

    /// From a `tokenizer.ggml.token_type` value (1 normal, 2 unknown, 3 control, 4 user-defined,
    /// 5 unused, 6 byte; anything else is undefined).
    init(tokenType: Int) {
        switch tokenType {
        case 1: self = .normal
        case 2: self = .unknown
        case 3: self = .control
        case 4: self = .userDefined
        case 5: self = .unused
        case 6: self = .byte
        default: self = .undefined
        }
    }
}

/// Which algorithm turns text into ids.
enum TokenizerModel: Sendable {
    /// `gpt2`: byte-level BPE with ranked merges.
    case bytePairEncoding
    /// `llama`: SentencePiece with score-ranked bigram merges and <0xXX> byte fallback.
    case sentencePiece
}

/// The vocabulary: immutable after loading.
final class Vocabulary: @unchecked Sendable {
    let model: TokenizerModel
    /// `tokenizer.ggml.pre` as written (empty when absent).
    let preName: String
    let count: Int
    /// Token i's text is blob[offsets[i] ..< offsets[i + 1]].
    let blob: [UInt8]
    let offsets: [Int]
    let scores: [Float]
    var attributes: [TokenAttributes]
    let table: ByteStringTable

    var bos: Int32?
    var eos: Int32?
    var eot: Int32?
    var eom: Int32?
    var unk: Int32?
    var sep: Int32?
    var pad: Int32?
    var addBOS = false
    var addEOS = false
    var addSpacePrefix = false
    var removeExtraWhitespaces = false
    var cleanSpaces = false
    var escapeWhitespaces = false
    var ignoreMerges = false
    /// Ids that end generation (eos, eot, eom and end-of-turn-looking control tokens).
    var endOfGeneration: Set<Int32> = []
    /// Control, user-defined and unknown tokens, longest text first: the order in which they are
    /// split out of raw text before tokenizing.
    var specialTokens: [Int32] = []
    /// First-byte index over `specialTokens`, rebuilt whenever attributes settle.
    var specialIndex = SpecialIndex()

    init(model: TokenizerModel, preName: String, blob: [UInt8], offsets: [Int], scores: [Float],
         attributes: [TokenAttributes]) {
        self.model = model
        self.preName = preName
        self.count = offsets.count - 1
        self.blob = blob
        self.offsets = offsets
        self.scores = scores
        self.attributes = attributes
        self.table = ByteStringTable(blob: blob, offsets: offsets)
    }

    /// The text of token `id` (caller checks the range).
    @inline(__always) func withText<R>(_ id: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        blob.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[offsets[id]..<offsets[id + 1]])) }
    }

    func text(_ id: Int) -> [UInt8] { Array(blob[offsets[id]..<offsets[id + 1]]) }

    func textLength(_ id: Int) -> Int { offsets[id + 1] - offsets[id] }

    /// The id whose text is exactly `bytes`, if any.
    @inline(__always) func id(of bytes: UnsafeBufferPointer<UInt8>) -> Int32? { table.find(bytes) }

    func id(of bytes: [UInt8]) -> Int32? { bytes.withUnsafeBufferPointer { table.find($0) } }

    func id(of text: String) -> Int32? { id(of: Array(text.utf8)) }

    func isValid(_ id: Int32) -> Bool { id >= 0 && Int(id) < count }
}

/// Open-addressing hash from byte strings (slices of the vocabulary blob) to ids. Swift's
/// Dictionary would need an allocated key per look-up; this hashes the caller's bytes in place.
struct ByteStringTable: Sendable {
    private var slots: [Int32]           // token id, or -1 when empty
    private let mask: Int
    private let blob: [UInt8]
    private let offsets: [Int]

    init(blob: [UInt8], offsets: [Int]) {
        self.blob = blob
        self.offsets = offsets
        let n = offsets.count - 1
        var capacity = 16
        while capacity < n * 2 { capacity <<= 1 }
        mask = capacity - 1
        slots = [Int32](repeating: -1, count: capacity)
        blob.withUnsafeBufferPointer { all in
            for id in 0..<n {
                let key = UnsafeBufferPointer(rebasing: all[offsets[id]..<offsets[id + 1]])
                var i = Self.hash(key) & mask
                // A later duplicate text replaces the earlier id, as llama.cpp's token_to_id does.
                while slots[i] >= 0 {
                    let other = Int(slots[i])
                    if Self.equal(key, UnsafeBufferPointer(rebasing: all[offsets[other]..<offsets[other + 1]])) { break }
                    i = (i + 1) & mask
                }
                slots[i] = Int32(id)
            }
        }
    }

    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        var i = Self.hash(key) & mask
        return blob.withUnsafeBufferPointer { all in
            while true {
                let id = slots[i]
                if id < 0 { return nil }
                let candidate = UnsafeBufferPointer(rebasing: all[offsets[Int(id)]..<offsets[Int(id) + 1]])
                if Self.equal(key, candidate) { return id }
                i = (i + 1) & mask
            }
        }
    }

    @inline(__always) static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325          // FNV-1a, then a final mix for the low bits
        for b in key { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h ^= h >> 29
        h = h &* 0xbf58_476d_1ce4_e5b9
        h ^= h >> 32
        return Int(truncatingIfNeeded: h)
    }

    @inline(__always) static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return false }
        return memcmpBytes(pa, pb, a.count)
    }

    @inline(__always) private static func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }
}
