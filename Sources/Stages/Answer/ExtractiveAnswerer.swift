// Extractive answering: every sentence of the top passages is a candidate (AnswerCandidates.swift
// measures the evidence for each); the stage's learned selector scores them, the best one is the
// answer, cited, and a second learned model — the verifier, over how clearly the choice stands
// out (AnswerVerifier.swift) — gives its calibrated probability of being right. Without fitted
// models (a pipeline with no calibration folder) the candidate covering most of the question wins
// and its coverage stands in for confidence: a score, not a probability, which the pipeline check
// warns about.
import Corpus
import Foundation
import Index
import Learn
import Pipeline

public struct ExtractiveOptions: Sendable {
    public var passages: Int
    public var maxSentences: Int
    public var showPassages: Int
    /// The learned selector over candidates (nil: rank by coverage).
    public var selector: LearnedModel?
    /// The learned verifier with its calibrator (nil: uncalibrated).
    public var verifier: LearnedModel?

    public init(passages: Int = 5, maxSentences: Int = 2, showPassages: Int = 3, selector: LearnedModel? = nil,
                verifier: LearnedModel? = nil) {
        self.passages = passages
        self.maxSentences = maxSentences
        self.showPassages = showPassages
        self.selector = selector
        self.verifier = verifier
    }
}

public struct ExtractiveAnswerer: Sendable {
    public let options: ExtractiveOptions

    public init(options: ExtractiveOptions) { self.options = options }

    /// Picks the answer from `hits`; never throws for lack of evidence (confidence 0 instead).
    /// The answer carries every candidate with its features and score (for `explain` and fitting).
    public func answer(question: String, hits: [Hit], stats: TermStatistics) throws -> Answer {
        let passages = hits.prefix(options.showPassages).map { Passage(text: $0.text, score: $0.score, citation: Citation.from($0)) }
        var candidates = try AnswerCandidates.make(question: question, hits: hits, stats: stats, passages: options.passages,
                                                   maxSentences: options.maxSentences)
        guard !candidates.isEmpty else { return Answer(text: "", confidence: 0, citations: [], passages: passages) }
        let scores = score(candidates)
        for i in candidates.indices { candidates[i].score = scores[i] }
        let (best, evidence) = AnswerVerifier.verify(features: candidates.map(\.features), margins: scores)
        let chosen = candidates[best]
        let confidence: Double
        if let verifier = options.verifier {
            confidence = verifier.probability(margin: evidence.withUnsafeBufferPointer { verifier.model.margin($0) })
        } else {
            confidence = min(scores[best], Confidence.maximum)
        }
        var answer = Answer(text: chosen.text, confidence: confidence, citations: [Citation.from(hits[chosen.hit])], passages: passages)
        answer.features = Array(zip(AnswerVerifier.featureNames, evidence))
        answer.candidateFeatureNames = AnswerCandidates.featureNames
        answer.candidates = candidates.map { c in
            AnswerCandidateReport(text: c.text, score: c.score, citation: Citation.from(hits[c.hit]), features: c.features)
        }
        return answer
    }

    /// The selector's margin per candidate, or, without one, its coverage of the question.
    func score(_ candidates: [AnswerCandidate]) -> [Double] {
        guard let model = options.selector else { return candidates.map { $0.features[AnswerCandidates.coverageIndex] } }
        return candidates.map { c in c.features.withUnsafeBufferPointer { model.model.margin($0) } }
    }
}
