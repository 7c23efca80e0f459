// The extractive answerer: what a question asks for, which values a sentence holds, the evidence
// measured for each candidate sentence, and a learned selector deciding between candidates (a
// hand-written model file stands in for a fitted one, so the test states exactly what it expects).
import Corpus
import Index
import Learn
import Stages
import Testing

@Suite struct AnswerTypeTests {
    @Test(arguments: [
        ("How much does a hotel night in Boston cost?", AnswerType.money),
        ("How long do I have to file my travel voucher?", .duration),
        ("How many weeks of paid parental leave do employees get?", .duration),
        ("How many people can attend the offsite?", .quantity),
        ("What percentage of the premium does the company pay?", .percent),
        ("When is the open enrollment deadline?", .date),
        ("Who approves my timesheet?", .person),
        ("Where do I pick up my badge?", .place),
        ("What's the email address for the help desk?", .email),
        ("What is the link to the travel policy?", .url),
        ("What is the purpose of the code of conduct?", .other),
    ])
    func questionsAskForTheirType(_ question: String, _ type: AnswerType) {
        #expect(AnswerType.of(question) == type, "\(question)")
    }

    @Test func sentencesHoldValues() {
        let v = AnswerType.values(in: "Employees get 12 weeks of leave and $500 a year, 20% of it by March 2024; see https://example.gov or help@example.com.")
        for t in [AnswerType.quantity, .duration, .money, .percent, .date, .url, .email] { #expect(t.isIn(v), "\(t)") }
        let plain = AnswerType.values(in: "the policy applies to everyone")
        #expect(!AnswerType.quantity.isIn(plain) && !AnswerType.money.isIn(plain) && !AnswerType.date.isIn(plain))
        #expect(AnswerType.duration.isIn(AnswerType.values(in: "You have five business days to submit it.")))
    }
}

/// Term statistics for a tiny made-up collection: every term appears in one of 10 chunks.
struct FlatStatistics: TermStatistics {
    func chunkCount() throws -> Int { 10 }
    func documentFrequencies(_ terms: [String]) throws -> [String: Int] { Dictionary(uniqueKeysWithValues: terms.map { ($0, 1) }) }
}

@Suite struct ExtractiveAnswererTests {
    static func hit(_ id: Int64, _ text: String, heading: String = "", score: Double) -> Hit {
        Hit(chunkID: id, contentID: id, ordinal: 0, text: text, headingPath: heading, span: SourceSpan(lineStart: 1, lineEnd: 2),
            hash: String(repeating: "\(id)", count: 16), score: score,
            documents: [DocumentRef(path: "/docs/\(id).md", title: nil, uid: 0, gid: 0, mode: 0o644)])
    }

    static let hits = [
        hit(1, "Parental leave is a benefit for new parents. Employees get 12 weeks of paid parental leave.", heading: "Leave", score: 0.2),
        hit(2, "Parental leave requests go to your supervisor.", heading: "Requests", score: 0.1),
    ]

    func feature(_ c: AnswerCandidate, _ name: String) -> Double {
        c.features[AnswerCandidates.featureNames.firstIndex(of: name) ?? 0]
    }

    @Test func candidatesCarryTheirEvidence() throws {
        let c = try AnswerCandidates.make(question: "How many weeks of paid parental leave do employees get?", hits: Self.hits,
                                          stats: FlatStatistics(), passages: 5, maxSentences: 1)
        #expect(c.count == 3)
        #expect(c.allSatisfy { $0.features.count == AnswerCandidates.featureNames.count })
        let right = try #require(c.first { $0.text.contains("12 weeks") })
        let wrong = try #require(c.first { $0.text.contains("supervisor") })
        #expect(feature(right, "type_match") == 1 && feature(wrong, "type_match") == 0)
        #expect(feature(right, "unit_match") == 1)
        #expect(feature(right, "coverage") > feature(wrong, "coverage"))
        #expect(feature(right, "coverage_rank") == 1, "the best-covering sentence ranks first")
        #expect(feature(right, "qt_duration") == 1 && feature(right, "qt_money") == 0)
        #expect(feature(right, "passage_rank") == 1 && feature(wrong, "passage_rank") == 0.5)
    }

    /// A linear model with one weight, on feature `name` of `names`.
    static func oneWeight(_ names: [String], _ name: String, _ w: Double, bias: Double, calibrator: Calibrator? = nil) -> LearnedModel {
        var weights = [Double](repeating: 0, count: names.count)
        weights[names.firstIndex(of: name) ?? 0] = w
        return LearnedModel(name: "m", features: names,
                            model: .logistic(LogisticRegression(mean: .init(repeating: 0, count: names.count),
                                                                sd: .init(repeating: 1, count: names.count), weights: weights, bias: bias)),
                            calibrator: calibrator)
    }

    /// A selector that only looks at `type_match` picks the sentence holding the asked-for value;
    /// the verifier (here: only the selector's margin) and its Platt calibrator give the confidence.
    @Test func aLearnedSelectorChoosesAndTheVerifierCalibrates() throws {
        let selector = Self.oneWeight(AnswerCandidates.featureNames, "type_match", 4, bias: -2)
        let verifier = Self.oneWeight(AnswerVerifier.featureNames, "margin", 0.5, bias: 0, calibrator: .platt(a: 1, b: 0))
        let a = try ExtractiveAnswerer(options: ExtractiveOptions(passages: 5, maxSentences: 1, selector: selector, verifier: verifier))
            .answer(question: "How many weeks of paid parental leave do employees get?", hits: Self.hits, stats: FlatStatistics())
        #expect(a.text == "Employees get 12 weeks of paid parental leave.")
        #expect(abs(a.confidence - logistic(0.5 * 2)) < 1e-12)
        #expect(a.citations.first?.path == "/docs/1.md")
        #expect(a.candidates.count == 3 && a.candidates.map(\.score).max() == 2)
        #expect(a.features.map(\.name) == AnswerVerifier.featureNames)
        #expect(a.features.first { $0.name == "gap" }?.value == 4, "the chosen margin 2 stands 4 above the others' -2")
        #expect(a.candidateFeatureNames == AnswerCandidates.featureNames)
    }

    @Test func noEvidenceMeansNoConfidence() throws {
        let a = try ExtractiveAnswerer(options: ExtractiveOptions()).answer(question: "the of and", hits: Self.hits, stats: FlatStatistics())
        #expect(a.confidence == 0 && a.text.isEmpty)
    }
}
