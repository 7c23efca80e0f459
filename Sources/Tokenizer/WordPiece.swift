// The WordPiece tokenizer of BERT-family encoders: vocabulary loading, special tokens, the greedy
// longest-match split of each word into "##"-continued pieces, and [CLS] … [SEP] with truncation.
// Word splitting and normalisation live in WordPieceNormalizer.swift.

/// A BERT WordPiece tokenizer (e.g. all-MiniLM-L6-v2's `vocab.txt`), matching HF tokenizers'
/// `BertNormalizer` + `BertPreTokenizer` + `WordPiece` + the [CLS]/[SEP] template. Immutable and
/// safe to share between threads.
public final class WordPiece: Sendable {
    private let vocabulary: WordPieceVocabulary
    private let basic: BasicTokenizer
    private let maxCharactersPerWord: Int
    /// The special tokens recognised verbatim in input text, longest first.
    private let specials: [(text: [UInt8], id: Int32)]

    /// Id of "[UNK]", emitted for a word that cannot be split into vocabulary pieces.
    public let unknownID: Int32
    /// Id of "[CLS]", the first token of every encoding.
    public let classifierID: Int32
    /// Id of "[SEP]", the last token of every encoding.
    public let separatorID: Int32
    /// Id of "[PAD]" (0 in BERT vocabularies), when the vocabulary has one.
    public let paddingID: Int32?

    /// Number of tokens in the vocabulary.
    public var vocabularySize: Int { vocabulary.count }

    /// Builds the tokenizer from the vocabulary in id order.
    /// - Parameters:
    ///   - lowercase: BERT "uncased" models lower-case (all-MiniLM-L6-v2 does).
    ///   - stripAccents: nil follows `lowercase`, as BERT does.
    ///   - maxCharactersPerWord: longer words become [UNK] (100 in BERT).
    ///   - splitSpecialTokens: when true, "[CLS]", "[SEP]", "[PAD]", "[MASK]" and "[UNK]" written
    ///     in the text become their ids (HF tokenizers' added-token matching, case-sensitive).
    /// - Throws: `TokenizerError.emptyVocabulary`, `.vocabularyTooLarge`, `.missingSpecialToken`
    ///   when "[UNK]", "[CLS]" or "[SEP]" is absent.
    public init(tokens: [String], lowercase: Bool = true, stripAccents: Bool? = nil,
                maxCharactersPerWord: Int = 100, splitSpecialTokens: Bool = true) throws {
        if tokens.isEmpty { throw TokenizerError.emptyVocabulary }
        if tokens.count >= Int(Int32.max) { throw TokenizerError.vocabularyTooLarge(count: tokens.count) }
        let vocabulary = WordPieceVocabulary(tokens: tokens.map { Array($0.utf8) })
        func id(_ t: String) -> Int32? {
            Array(t.utf8).withUnsafeBufferPointer { vocabulary.id(of: $0, continuation: false) }
        }
        guard let unk = id("[UNK]") else { throw TokenizerError.missingSpecialToken("[UNK]") }
        guard let cls = id("[CLS]") else { throw TokenizerError.missingSpecialToken("[CLS]") }
        guard let sep = id("[SEP]") else { throw TokenizerError.missingSpecialToken("[SEP]") }
        self.vocabulary = vocabulary
        unknownID = unk
        classifierID = cls
        separatorID = sep
        paddingID = id("[PAD]")
        basic = BasicTokenizer(lowercase: lowercase, stripAccents: stripAccents ?? lowercase)
        self.maxCharactersPerWord = maxCharactersPerWord
        specials = splitSpecialTokens
            ? ["[MASK]", "[CLS]", "[SEP]", "[PAD]", "[UNK]"].compactMap { t in id(t).map { (Array(t.utf8), $0) } }
            : []
    }

    /// Builds the tokenizer from the bytes of a `vocab.txt`: one token per line, the line number
    /// (from 0) is the id; trailing whitespace (and a CR) is dropped, as HF does.
    /// - Throws: `TokenizerError.invalidUTF8(line:)` and the errors of `init(tokens:...)`.
    public convenience init(vocabularyText bytes: [UInt8], lowercase: Bool = true, stripAccents: Bool? = nil,
                            maxCharactersPerWord: Int = 100, splitSpecialTokens: Bool = true) throws {
        var tokens: [String] = []
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }   // the final newline ends a line
        for (n, line) in lines.enumerated() {
            var end = line.endIndex
            while end > line.startIndex, [0x20, 0x09, 0x0D].contains(line[end - 1]) { end -= 1 }
            guard let token = String(validating: line[line.startIndex..<end], as: UTF8.self) else {
                throw TokenizerError.invalidUTF8(line: n + 1)
            }
            tokens.append(token)
        }
        try self.init(tokens: tokens, lowercase: lowercase, stripAccents: stripAccents,
                      maxCharactersPerWord: maxCharactersPerWord, splitSpecialTokens: splitSpecialTokens)
    }

    /// `[CLS] pieces… [SEP]`, keeping at most `maxLength` ids in all (the pieces are cut at the
    /// end, as sentence-transformers truncates). Precondition (programmer error): maxLength ≥ 2.
    public func encode(_ text: String, maxLength: Int = 256) -> [Int32] {
        precondition(maxLength >= 2, "maxLength must leave room for [CLS] and [SEP]")
        var ids: [Int32] = [classifierID]
        pieces(of: text, limit: maxLength - 2, into: &ids)
        ids.append(separatorID)
        return ids
    }

    /// The word pieces of `text` without [CLS]/[SEP] and without truncation.
    public func tokenize(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        pieces(of: text, limit: Int.max, into: &ids)
        return ids
    }

    /// The vocabulary entry of `id` (e.g. "##ing"), or nil when out of range.
    public func token(for id: Int32) -> String? { vocabulary.token(Int(id)) }

    /// The id of a vocabulary entry, or nil.
    public func id(for token: String) -> Int32? {
        Array(token.utf8).withUnsafeBufferPointer { vocabulary.id(of: $0, continuation: false) }
    }

    // MARK: - Internals

    /// Appends the pieces of `text` to `ids` until `limit` pieces were added.
    private func pieces(of text: String, limit: Int, into ids: inout [Int32]) {
        let target = ids.count + limit
        var bytes: [UInt8] = []
        var words: [Range<Int>] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        for segment in segments(text) {
            if ids.count >= target { return }
            switch segment {
            case let .special(id):
                ids.append(id)
            case let .text(range):
                bytes.removeAll(keepingCapacity: true)
                words.removeAll(keepingCapacity: true)
                // A word yields at least one piece, so `target - count` words are always enough.
                basic.split(text[range], into: &bytes, words: &words, limit: target - ids.count)
                bytes.withUnsafeBufferPointer { all in
                    for w in words where ids.count < target {
                        split(UnsafeBufferPointer(rebasing: all[w]), into: &ids, limit: target)
                    }
                }
            }
        }
    }

    private enum Segment { case text(Range<String.Index>), special(Int32) }

    /// The text cut around verbatim special tokens ("[SEP]" ...), left to right, longest match.
    private func segments(_ text: String) -> [Segment] {
        if specials.isEmpty || !text.utf8.contains(0x5B) { return [.text(text.startIndex..<text.endIndex)] }
        var out: [Segment] = []
        let utf8 = text.utf8
        var textStart = utf8.startIndex, i = utf8.startIndex
        scan: while i < utf8.endIndex {
            if utf8[i] == 0x5B {
                for (token, id) in specials where utf8[i...].starts(with: token) {
                    if textStart < i { out.append(.text(textStart..<i)) }
                    out.append(.special(id))
                    i = utf8.index(i, offsetBy: token.count)
                    textStart = i
                    continue scan
                }
            }
            i = utf8.index(after: i)
        }
        if textStart < utf8.endIndex { out.append(.text(textStart..<utf8.endIndex)) }
        return out
    }

    /// Greedy longest-match-first WordPiece over one normalised word; the whole word becomes
    /// [UNK] when it is too long or any remainder has no matching piece.
    private func split(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int32], limit: Int) {
        var characters = 0
        for b in word where b & 0xC0 != 0x80 { characters += 1 }
        if characters > maxCharactersPerWord { ids.append(unknownID); return }
        let mark = ids.count
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32? = nil
            while end > start {
                if let id = vocabulary.id(of: UnsafeBufferPointer(rebasing: word[start..<end]), continuation: start > 0) {
                    found = id
                    break
                }
                end -= 1
                while end > start, word[end] & 0xC0 == 0x80 { end -= 1 }   // back to a scalar start
            }
            guard let id = found else {
                ids.removeSubrange(mark...)
                ids.append(unknownID)
                return
            }
            ids.append(id)
            start = end
        }
        if ids.count > limit { ids.removeSubrange(limit...) }
    }
}
