// The extractive answerer's candidates and their evidence: every sentence of the top passages
// (joined with the next sentence when that one adds question terms or the first is too short to
// stand alone) measured against the question — term coverage weighted by rarity, phrase and
// bigram matches, whether it holds the kind of value asked for, where it sits, how its passage
// ranked, and whether other passages agree. A learned selector scores these vectors; the names
// are the file format of that model and are never renamed, only appended to in a new version.
import Corpus
import Foundation
import Index

/// One candidate answer and the evidence for it.
public struct AnswerCandidate: Sendable {
    public var text: String
    /// Index of its passage in the hits.
    public var hit: Int
    public var sentence: Int
    /// In `AnswerCandidates.featureNames` order.
    public var features: [Double]
    /// What the selector made of it (its margin, or its coverage without a model).
    public var score = 0.0
    /// The numbers it states (as written), for cross-passage agreement.
    var numbers: Set<String> = []
}

/// Document frequencies for IDF; the index reader provides them.
public protocol TermStatistics {
    func chunkCount() throws -> Int
    func documentFrequencies(_ terms: [String]) throws -> [String: Int]
}

extension IndexReader: TermStatistics {}

public enum AnswerCandidates {
    public static let featureNames: [String] = [
        "q_terms", "qt_money", "qt_percent", "qt_duration", "qt_quantity", "qt_date", "qt_person", "qt_place", "qt_url", "qt_email",
        "qt_other", "hits_margin", "passage_rank", "passage_score", "passage_coverage", "heading_coverage", "dense_score",
        "lexical_score", "coverage", "context_coverage", "prev_coverage", "term_recall", "phrase_match", "bigram_match",
        "novel_share", "sentence_terms", "sentence_position", "type_match", "has_number", "unit_match", "value_in_question",
        "focus_distance", "coverage_gap", "coverage_rank", "agreement", "joined",
    ]

    /// Question and sentence terms: the index's stemmed terms, with number words and ordinals
    /// written as digits ("third" and "3", "thirty days" and "30 days" then match). Stems are
    /// remembered for the question at hand: its passages repeat words a lot.
    struct Terms {
        private var stems: [String: String] = [:]

        mutating func callAsFunction(_ text: String) -> [String] {
            Analyzer.tokens(text).compactMap { t in
                if let n = numberWords[t] { return n }
                if Analyzer.stopwords.contains(t) { return nil }
                if let s = stems[t] { return s }
                let s = PorterStemmer.stem(t)
                stems[t] = s
                return s
            }
        }
    }

    static let numberWords: [String: String] = {
        let cardinals = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
                         "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
        let ordinals = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
                        "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
                        "twentieth"]
        var m: [String: String] = [:]
        for (i, w) in cardinals.enumerated() { m[w] = String(i + 1) }
        // "first" and "second" have other meanings too often ("first day", "a second opinion").
        for (i, w) in ordinals.enumerated() where i >= 2 { m[w] = String(i + 1) }
        for (w, n) in [("thirty", 30), ("forty", 40), ("fifty", 50), ("sixty", 60), ("seventy", 70), ("eighty", 80), ("ninety", 90),
                       ("hundred", 100)] { m[w] = String(n) }
        return m
    }()

    /// Every candidate from the first `passages` hits, in passage then sentence order.
    public static func make(question: String, hits: [Hit], stats: TermStatistics, passages: Int, maxSentences: Int) throws -> [AnswerCandidate] {
        var terms = Terms()
        let qSequence = terms(question)
        let qTerms = Array(Set(qSequence))
        guard !hits.isEmpty, !qTerms.isEmpty else { return [] }
        let n = max(try stats.chunkCount(), 1)
        let df = try stats.documentFrequencies(qTerms)
        var idf: [String: Double] = [:]
        for t in qTerms {
            let d = Double(df[t] ?? 0)
            idf[t] = log(1 + (Double(n) - d + 0.5) / (d + 0.5))
        }
        let totalIDF = max(qTerms.reduce(0) { $0 + (idf[$1] ?? 0) }, 1e-9)
        func weighted(_ set: Set<String>) -> Double { qTerms.reduce(0) { $0 + (set.contains($1) ? idf[$1] ?? 0 : 0) } / totalIDF }
        let qSet = Set(qTerms)
        let qBigrams = Set(zip(qSequence, qSequence.dropFirst()).map { $0.0 + " " + $0.1 })
        let asked = AnswerType.of(question)
        let unit = QuantityUnit.of(question)
        let top = hits[0].score
        let margin = hits.count > 1 && top > 0 ? max(0, (top - hits[1].score) / top) : 1
        let topLexical = hits.prefix(passages).compactMap { $0.signals["lexical"] }.max() ?? 0
        let qTokens = Set(Analyzer.tokens(question))
        var typeOneHot = [Double](repeating: 0, count: AnswerType.allCases.count)
        typeOneHot[asked.rawValue] = 1
        let questionPart = [log1p(Double(qTerms.count))] + typeOneHot + [margin]

        var out: [AnswerCandidate] = []
        var numbersByHit: [Set<String>] = []
        for (h, hit) in hits.prefix(passages).enumerated() {
            let sentences = SentenceSplitter.split(hit.text)
            let sequences = sentences.map { terms($0) }
            let termSets = sequences.map(Set.init)
            let headingTerms = Set(terms(hit.headingPath + " " + (hit.documents.first?.title ?? "")))
            let passageTerms = termSets.reduce(headingTerms) { $0.union($1) }
            let lexical = topLexical > 0 ? (hit.signals["lexical"] ?? 0) / topLexical : 0
            let passagePart = [1 / Double(1 + h), top > 0 ? hit.score / top : 0, weighted(passageTerms), weighted(headingTerms),
                               hit.signals["dense"] ?? 0, lexical]
            var numbers = Set<String>()
            for (k, s) in sentences.enumerated() {
                var text = s
                var own = termSets[k]
                var sequence = sequences[k]
                var joined = 0.0
                if maxSentences > 1, k + 1 < sentences.count {
                    let adds = termSets[k + 1].intersection(qSet).subtracting(own)
                    if !adds.isEmpty || s.count < 40 {
                        text += " " + sentences[k + 1]
                        own.formUnion(termSets[k + 1])
                        sequence += sequences[k + 1]
                        joined = 1
                    }
                }
                var context = own.union(headingTerms)
                if k > 0 { context.formUnion(termSets[k - 1]) }
                if k + 1 < termSets.count { context.formUnion(termSets[k + 1]) }
                let tokens = Analyzer.tokens(text)
                let values = AnswerType.values(in: text)
                let valueTokens = tokens.filter { $0.first?.isNumber == true }
                numbers.formUnion(valueTokens)
                let previous = k > 0 ? weighted(termSets[k - 1].union(headingTerms)) : weighted(headingTerms)
                let inQuestion: Double = !valueTokens.isEmpty && valueTokens.allSatisfy(qTokens.contains) ? 1 : 0
                let bigrams = Set(zip(sequence, sequence.dropFirst()).map { $0.0 + " " + $0.1 })
                let content = own.filter { !qSet.contains($0) }
                let recall = Double(qTerms.filter(own.contains).count) / Double(qTerms.count)
                let bigramShare = qBigrams.isEmpty ? 0 : Double(qBigrams.intersection(bigrams).count) / Double(qBigrams.count)
                let novel = own.isEmpty ? 0 : Double(content.count) / Double(own.count)
                let typeMatch: Double = asked == .other || asked.isIn(values) ? 1 : 0
                let hasNumber: Double = AnswerType.quantity.isIn(values) ? 1 : 0
                var sentencePart: [Double] = [weighted(own), weighted(context), previous, recall, longestOrderedRun(qSequence, in: sequence)]
                sentencePart += [bigramShare, novel, log1p(Double(own.count)), 1 / Double(1 + k)]
                sentencePart += [typeMatch, hasNumber, unit?.matches(tokens) ?? 0, inQuestion, focusDistance(tokens, question: qTokens)]
                // coverage_gap, coverage_rank, agreement: filled in below, across candidates; then joined.
                sentencePart += [0, 0, 0, joined]
                let features = questionPart + passagePart + sentencePart
                out.append(AnswerCandidate(text: text, hit: h, sentence: k, features: features, numbers: Set(valueTokens)))
            }
            numbersByHit.append(numbers)
        }
        fillRelative(&out, numbersByHit: numbersByHit)
        return out
    }

    static let coverageIndex = featureNames.firstIndex(of: "coverage") ?? 0
    static let contextIndex = featureNames.firstIndex(of: "context_coverage") ?? 0

    /// The features that compare a candidate with the others: how far its coverage is from the
    /// best, its rank by coverage, and how many other passages mention one of its numbers.
    static func fillRelative(_ c: inout [AnswerCandidate], numbersByHit: [Set<String>]) {
        guard let gap = featureNames.firstIndex(of: "coverage_gap"), let rank = featureNames.firstIndex(of: "coverage_rank"),
              let agree = featureNames.firstIndex(of: "agreement") else { return }
        let order = c.indices.sorted {
            let a = c[$0].features, b = c[$1].features
            return a[coverageIndex] != b[coverageIndex] ? a[coverageIndex] > b[coverageIndex]
                : a[contextIndex] != b[contextIndex] ? a[contextIndex] > b[contextIndex] : $0 < $1
        }
        let best = order.first.map { c[$0].features[coverageIndex] } ?? 0
        for (r, i) in order.enumerated() {
            c[i].features[gap] = c[i].features[coverageIndex] - best
            c[i].features[rank] = 1 / Double(1 + r)
        }
        let others = max(numbersByHit.count - 1, 1)
        for i in c.indices {
            let mine = c[i].numbers
            guard !mine.isEmpty else { continue }
            let agreeing = numbersByHit.enumerated().filter { $0.offset != c[i].hit && !$0.element.isDisjoint(with: mine) }.count
            c[i].features[agree] = Double(agreeing) / Double(others)
        }
    }

    /// 1 / (1 + the fewest words between a question word and a number in the sentence): a value
    /// right beside what the question asks about is more likely its answer. 0 without either.
    static func focusDistance(_ tokens: [String], question: Set<String>) -> Double {
        var lastFocus: Int?, lastValue: Int?
        var best = Int.max
        for (i, t) in tokens.enumerated() {
            if t.first?.isNumber == true {
                if let f = lastFocus { best = min(best, i - f) }
                lastValue = i
            } else if question.contains(t), !Analyzer.stopwords.contains(t) {
                if let v = lastValue { best = min(best, i - v) }
                lastFocus = i
            }
        }
        return best == Int.max ? 0 : 1 / Double(best)
    }

    /// The longest run of question terms appearing consecutively, in order, in the sentence, as a
    /// share of the question's terms.
    static func longestOrderedRun(_ q: [String], in s: [String]) -> Double {
        guard !q.isEmpty, !s.isEmpty else { return 0 }
        var best = 0
        for i in q.indices {
            for j in s.indices where s[j] == q[i] {
                var k = 0
                while i + k < q.count, j + k < s.count, q[i + k] == s[j + k] { k += 1 }
                best = max(best, k)
            }
        }
        return Double(best) / Double(q.count)
    }
}
