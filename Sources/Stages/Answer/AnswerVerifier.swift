// The evidence that the selector's choice is right, for the extractive stage's confidence: how
// far the chosen candidate's margin stands above the next best (in any passage, and in another
// passage), how many candidates crowd close to it, and the chosen candidate's own strongest
// features. Computed only from candidates' feature vectors and the selector's margins, so
// `nerve calibrate` derives exactly the same vector from its records as the stage does serving.
import Foundation

public enum AnswerVerifier {
    /// The chosen candidate's features carried into the verifier, by name.
    static let carried = ["q_terms", "qt_money", "qt_percent", "qt_duration", "qt_quantity", "qt_date", "qt_person", "qt_place", "qt_url",
                          "qt_email", "qt_other", "hits_margin", "passage_rank", "dense_score", "lexical_score", "coverage",
                          "context_coverage", "prev_coverage", "phrase_match", "type_match", "unit_match", "value_in_question",
                          "focus_distance", "agreement"]

    public static let featureNames = ["margin", "gap", "gap_other_passage", "close_candidates"] + carried.map { "chosen_" + $0 }

    static let carriedIndexes = carried.map { AnswerCandidates.featureNames.firstIndex(of: $0) ?? 0 }
    static let passageIndex = AnswerCandidates.featureNames.firstIndex(of: "passage_rank") ?? 0

    /// The candidate with the highest margin, and the verifier's features for it.
    /// - Parameters: `features`: each candidate's vector (AnswerCandidates.featureNames order);
    ///   `margins`: the selector's margin for each. Both non-empty and of equal length.
    public static func verify(features: [[Double]], margins: [Double]) -> (chosen: Int, features: [Double]) {
        var best = 0
        for i in margins.indices.dropFirst() where margins[i] > margins[best] { best = i }
        let top = margins[best]
        let passage = features[best][passageIndex]
        var second = -Double.infinity, otherPassage = -Double.infinity
        var close = 0
        for i in margins.indices where i != best {
            second = max(second, margins[i])
            if features[i][passageIndex] != passage { otherPassage = max(otherPassage, margins[i]) }
            if top - margins[i] < 1 { close += 1 }
        }
        // With nothing to compare against, the gap is as large as the margin scale allows.
        let gap = second.isFinite ? top - second : 10
        let gapOther = otherPassage.isFinite ? top - otherPassage : 10
        return (best, [top, gap, gapOther, log1p(Double(close))] + carriedIndexes.map { features[best][$0] })
    }
}
