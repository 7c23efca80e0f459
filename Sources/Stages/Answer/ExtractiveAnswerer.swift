// Extractive answering: score every sentence of the top passages against the question by
// IDF-weighted term coverage (sentence, neighbours, heading), question-type evidence and the
// passage's rank, then answer with the best sentence (and a following one when it adds
// coverage). The confidence is a logistic function of those features; its weights come from
// calibration (Calibration.swift), with defaults fitted on SQuAD.
import Corpus
import Foundation
import Index

public struct ExtractiveOptions: Sendable {
    public var passages: Int
    public var maxSentences: Int
    public var showPassages: Int
    public var calibration: Calibration

    public init(passages: Int = 5, maxSentences: Int = 2, showPassages: Int = 3, calibration: Calibration = .default) {
        self.passages = passages
        self.maxSentences = maxSentences
        self.showPassages = showPassages
        self.calibration = calibration
    }
}

/// Document frequencies for IDF; the index reader provides them.
public protocol TermStatistics {
    func chunkCount() throws -> Int
    func documentFrequencies(_ terms: [String]) throws -> [String: Int]
}

extension IndexReader: TermStatistics {}

/// The measured evidence for one candidate sentence; calibration maps it to a probability.
public struct AnswerFeatures: Sendable, Equatable {
    /// IDF-weighted share of question terms found in the sentence.
    public var coverage: Double
    /// The same over the sentence, its neighbours and the heading path.
    public var contextCoverage: Double
    /// Share of question terms (unweighted) found in the sentence.
    public var termRecall: Double
    /// 1 when the sentence holds the kind of thing the question asks for (a number for "how many").
    public var typeMatch: Double
    /// 1/(1+rank) of the passage the sentence is in.
    public var rankPrior: Double
    /// The top hit's BM25 score relative to the second's: (s1-s2)/s1.
    public var margin: Double
    /// Longest run of consecutive question terms found in order in the sentence, over the term count.
    public var phraseMatch: Double
    /// How much better this sentence scored than the best sentence from another passage.
    public var sentenceMargin: Double
    /// 1 when a "how many X" question meets "<number> X" in the sentence.
    public var unitMatch: Double

    public var vector: [Double] { [coverage, contextCoverage, termRecall, typeMatch, rankPrior, margin, phraseMatch, sentenceMargin, unitMatch] }
    public static let names = ["coverage", "context_coverage", "term_recall", "type_match", "rank_prior", "margin", "phrase_match",
                               "sentence_margin", "unit_match"]
}

public struct ExtractiveAnswerer: Sendable {
    public let options: ExtractiveOptions

    public init(options: ExtractiveOptions) { self.options = options }

    struct Candidate {
        var hit: Int
        var sentence: Int
        var text: String
        var score: Double
        var features: AnswerFeatures
    }

    /// Picks the answer sentences from `hits`; never throws for lack of evidence (confidence 0 instead).
    public func answer(question: String, hits: [Hit], stats: TermStatistics) throws -> Answer {
        let (answer, _) = try answerWithFeatures(question: question, hits: hits, stats: stats)
        return answer
    }

    /// The answer and the features its confidence was computed from (calibration uses these).
    public func answerWithFeatures(question: String, hits: [Hit], stats: TermStatistics) throws -> (Answer, AnswerFeatures?) {
        let qTerms = Array(Set(Analyzer.terms(question)))
        let passages = hits.prefix(options.showPassages).map {
            Passage(text: $0.text, score: $0.score, citation: Citation.from($0))
        }
        guard !hits.isEmpty, !qTerms.isEmpty else {
            return (Answer(text: "", confidence: 0, citations: [], passages: passages), nil)
        }
        let n = max(try stats.chunkCount(), 1)
        let df = try stats.documentFrequencies(qTerms)
        var idf: [String: Double] = [:]
        for t in qTerms {
            let d = Double(df[t] ?? 0)
            idf[t] = log(1 + (Double(n) - d + 0.5) / (d + 0.5))
        }
        let totalIDF = qTerms.reduce(0) { $0 + (idf[$1] ?? 0) }
        let qType = QuestionType.classify(question)
        let unit = QuantityUnit.of(question)
        let qSequence = Analyzer.terms(question)
        let margin = hits.count > 1 && hits[0].score > 0 ? max(0, (hits[0].score - hits[1].score) / hits[0].score) : 1

        var candidates: [Candidate] = []
        for (h, hit) in hits.prefix(options.passages).enumerated() {
            let sentences = SentenceSplitter.split(hit.text)
            let sequences = sentences.map(Analyzer.terms)
            let termSets = sequences.map(Set.init)
            let headingTerms = Set(Analyzer.terms(hit.headingPath))
            for (k, s) in sentences.enumerated() {
                let own = termSets[k]
                var context = own.union(headingTerms)
                if k > 0 { context.formUnion(termSets[k - 1]) }
                if k + 1 < termSets.count { context.formUnion(termSets[k + 1]) }
                let cov = qTerms.reduce(0) { $0 + (own.contains($1) ? idf[$1] ?? 0 : 0) } / max(totalIDF, 1e-9)
                let ctx = qTerms.reduce(0) { $0 + (context.contains($1) ? idf[$1] ?? 0 : 0) } / max(totalIDF, 1e-9)
                let recall = Double(qTerms.filter(own.contains).count) / Double(qTerms.count)
                let typeMatch = qType.matches(s) ? 1.0 : 0.0
                let phrase = Self.longestOrderedRun(qSequence, in: sequences[k])
                let unitMatch = unit?.matches(Analyzer.tokens(s)) ?? 0
                let f = AnswerFeatures(coverage: cov, contextCoverage: ctx, termRecall: recall, typeMatch: typeMatch,
                                       rankPrior: 1 / Double(1 + h), margin: margin, phraseMatch: phrase, sentenceMargin: 0,
                                       unitMatch: unitMatch)
                let score = 2.0 * cov + 0.8 * ctx + 0.5 * typeMatch + 0.4 * f.rankPrior + 0.6 * phrase + 1.0 * unitMatch
                candidates.append(Candidate(hit: h, sentence: k, text: s, score: score, features: f))
            }
        }
        guard var best = candidates.max(by: { $0.score < $1.score }) else {
            return (Answer(text: "", confidence: 0, citations: [], passages: passages), nil)
        }
        let rival = candidates.filter { $0.hit != best.hit }.map(\.score).max() ?? 0
        best.features.sentenceMargin = max(0, best.score - rival)

        var text = best.text
        if options.maxSentences > 1 {
            // A following sentence joins when it adds question terms the first one lacked, or when
            // the first is too short to stand alone.
            let sentences = SentenceSplitter.split(hits[best.hit].text)
            let next = best.sentence + 1
            if next < sentences.count {
                let have = Set(Analyzer.terms(best.text))
                let adds = Set(Analyzer.terms(sentences[next])).intersection(qTerms).subtracting(have)
                if !adds.isEmpty || best.text.count < 40 { text += " " + sentences[next] }
            }
        }
        let confidence = options.calibration.probability(best.features)
        var answer = Answer(text: text, confidence: confidence, citations: [Citation.from(hits[best.hit])], passages: passages)
        answer.features = Array(zip(AnswerFeatures.names, best.features.vector))
        return (answer, best.features)
    }

    /// The longest run of question terms appearing consecutively, in order, in the sentence,
    /// as a share of the question's terms.
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
