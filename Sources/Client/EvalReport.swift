// The figures `nerve eval` reports, computed from judged records: totals, end-to-end results,
// per answering stage (final-route counts, coverage, precision, latency, and calibration of the
// stage's own confidence: ECE, reliability bins, risk–coverage rows), the route mix, the cost
// against sending every question to the frontier model, and the targets. Rendering is
// EvalRender's; the JSON form is `json()`.
import JSON
import Learn

public struct EvalReport: Sendable {
    public struct Totals: Sendable, Equatable {
        public var questions = 0, answerable = 0, unanswerable = 0, nearMisses = 0
        /// Questions the daemon failed on (counted as not accepted).
        public var errors = 0
    }

    public struct EndToEnd: Sendable, Equatable {
        public var accepted = 0
        /// Accepted and right (text and file).
        public var acceptedRight = 0
        /// acceptedRight / accepted; nil when nothing was accepted (no evidence either way).
        public var precision: Double?
        /// Accepted answerable questions with the right text / citing a right file.
        public var rightText = 0, rightFile = 0
        /// acceptedRight / answerable.
        public var answeredRight = 0.0
        public var declined = 0, nearMissesDeclined = 0
        /// declined / unanswerable.
        public var declinedShare = 0.0
        public var p50Ms = 0.0, p90Ms = 0.0, meanMs = 0.0
        public var cost = 0.0
    }

    /// One row of a risk–coverage table: accept the stage's answers with confidence ≥ threshold.
    public struct RiskRow: Sendable, Equatable {
        public var threshold: Double
        public var accepted: Int, right: Int
        public var precision: Double
        /// accepted / questions the stage ran on.
        public var coverage: Double
        /// right / answerable questions.
        public var answerableCoverage: Double
    }

    public struct Route: Sendable, Equatable {
        public var stage: String
        public var kind = ""
        /// Questions the stage ran on, and on which it was the final route.
        public var ran = 0, final = 0
        /// As the final route: accepted; accepted and right; accepted with right text / file.
        public var accepted = 0, right = 0, rightText = 0, rightFile = 0
        /// right / answerable, and right / accepted (nil when it accepted nothing).
        public var coverage = 0.0
        public var precision: Double?
        /// Mean wall time of the questions it answered (accepted as final route); nil when none.
        public var meanMs: Double?
        /// Mean time the stage itself took where it ran.
        public var stageMeanMs = 0.0
        /// Calibration of the stage's confidence against its own answers' correctness, over
        /// every question where it ran.
        public var ece = 0.0, brier = 0.0
        /// The ECE a perfectly calibrated stage with these confidences would show on this many
        /// answers (mean and 95th percentile of simulated outcomes), and the debiased L2
        /// calibration error: how much of `ece` is sampling noise (Metrics.eceNoiseFloor).
        public var eceNoiseMean = 0.0, eceNoiseP95 = 0.0, debiasedError = 0.0
        public var reliability: [Metrics.Bin] = []
        public var riskCoverage: [RiskRow] = []
    }

    public struct Cost: Sendable, Equatable {
        public var spent = 0.0
        public var frontier: FrontierPrice?
        /// What sending every question to the frontier stage would have cost at its declared
        /// prices (its typical cost per question); nil without a priced stage.
        public var allFrontier: Double?
        /// Calls the frontier stage made in this run, and their mean cost.
        public var frontierCalls = 0
        public var frontierMeanCost: Double?
    }

    /// An issue target and whether this run meets it.
    public struct Target: Sendable, Equatable {
        public var name: String
        /// nil when the figure cannot be measured on this run (a precision with nothing
        /// accepted); such a target is not met.
        public var value: Double?
        public var goal: String
        public var met: Bool
    }

    public var file = ""
    public var totals = Totals()
    public var endToEnd = EndToEnd()
    public var routes: [Route] = []
    /// Share of all questions finally answered (accepted) by each route, in pipeline order.
    public var mix: [(route: String, share: Double)] = []
    /// Share of all questions not accepted by any route.
    public var declinedShare = 0.0
    public var cost = Cost()
    public var targets: [Target] = []

    /// Rows printed per risk–coverage table: one at each tenth of the stage's coverage.
    public static let riskRows = 10

    public init(_ records: [EvalRecord], frontier: FrontierPrice?, file: String = "") {
        self.file = file
        let answerable = records.filter { !$0.question.unanswerable }
        let unanswerable = records.filter(\.question.unanswerable)
        totals = Totals(questions: records.count, answerable: answerable.count, unanswerable: unanswerable.count,
                        nearMisses: unanswerable.filter(\.question.nearMiss).count, errors: records.filter { $0.error != nil }.count)

        let accepted = records.filter(\.accepted)
        var e = EndToEnd()
        e.accepted = accepted.count
        e.acceptedRight = accepted.filter(\.correct).count
        e.precision = e.accepted == 0 ? nil : Double(e.acceptedRight) / Double(e.accepted)
        e.rightText = accepted.filter { !$0.question.unanswerable && $0.verdict.rightText }.count
        e.rightFile = accepted.filter { !$0.question.unanswerable && $0.verdict.rightFile }.count
        e.answeredRight = Self.ratio(e.acceptedRight, answerable.count, empty: 0)
        e.declined = unanswerable.filter { !$0.accepted }.count
        e.nearMissesDeclined = unanswerable.filter { $0.question.nearMiss && !$0.accepted }.count
        e.declinedShare = Self.ratio(e.declined, unanswerable.count, empty: 1)
        let ms = records.map(\.ms)
        e.p50Ms = Self.percentile(ms, 0.5)
        e.p90Ms = Self.percentile(ms, 0.9)
        e.meanMs = Self.mean(ms) ?? 0
        e.cost = records.reduce(0) { $0 + $1.cost }
        endToEnd = e

        let order = Self.stageOrder(records)
        routes = order.map { Self.route($0, records, answerable: answerable.count) }
        mix = order.map { id in (id, Self.ratio(records.filter { $0.accepted && $0.route == id }.count, records.count, empty: 0)) }
        declinedShare = Self.ratio(records.count - accepted.count, records.count, empty: 0)

        var c = Cost(spent: e.cost, frontier: frontier)
        if let f = frontier {
            c.allFrontier = f.typicalCost * Double(records.count)
            let calls = records.compactMap { r in r.stages.first { $0.stage == f.stage }?.cost }
            c.frontierCalls = calls.count
            c.frontierMeanCost = Self.mean(calls)
        }
        cost = c
        targets = Self.targets(self)
    }

    /// Answering stages in pipeline order: every record's list merged, first seen first.
    static func stageOrder(_ records: [EvalRecord]) -> [String] {
        var order: [String] = []
        for r in records {
            var at = 0
            for id in r.pipeline + r.stages.map(\.stage) + (r.route.isEmpty ? [] : [r.route]) {
                if let i = order.firstIndex(of: id) { at = i + 1 } else { order.insert(id, at: at); at += 1 }
            }
        }
        return order
    }

    static func route(_ id: String, _ records: [EvalRecord], answerable: Int) -> Route {
        var r = Route(stage: id)
        let outcomes = records.compactMap { rec in rec.stages.first { $0.stage == id }.map { (rec, $0) } }
        r.kind = outcomes.first?.1.kind ?? ""
        r.ran = outcomes.count
        let finals = records.filter { $0.route == id }
        r.final = finals.count
        let acc = finals.filter(\.accepted)
        r.accepted = acc.count
        r.right = acc.filter(\.correct).count
        r.rightText = acc.filter(\.verdict.rightText).count
        r.rightFile = acc.filter { !$0.question.unanswerable && $0.verdict.rightFile }.count
        r.coverage = ratio(r.right, answerable, empty: 0)
        r.precision = r.accepted == 0 ? nil : Double(r.right) / Double(r.accepted)
        r.meanMs = mean(acc.map(\.ms))
        r.stageMeanMs = mean(outcomes.map(\.1.ms)) ?? 0
        let p = outcomes.map(\.1.confidence), y = outcomes.map(\.1.correct)
        r.ece = Metrics.ece(p, y)
        r.brier = Metrics.brier(p, y)
        (r.eceNoiseMean, r.eceNoiseP95) = Metrics.eceNoiseFloor(p)
        r.debiasedError = Metrics.debiasedCalibrationError(p, y)
        r.reliability = Metrics.reliability(p, y)
        r.riskCoverage = riskRows(RiskCoverage.table(p, y), answerable: answerable)
        return r
    }

    /// About `riskRows` rows of `table`: for each tenth of coverage, the highest threshold that
    /// reaches it (duplicates dropped).
    static func riskRows(_ table: [RiskCoverage.Point], answerable: Int) -> [RiskRow] {
        var out: [RiskRow] = []
        for k in 1...riskRows {
            let goal = Double(k) / Double(riskRows)
            guard let p = table.first(where: { $0.coverage >= goal - 1e-9 }), out.last?.threshold != p.threshold else { continue }
            out.append(RiskRow(threshold: p.threshold, accepted: p.accepted, right: p.correct, precision: p.precision,
                               coverage: p.coverage, answerableCoverage: ratio(p.correct, answerable, empty: 0)))
        }
        return out
    }

    /// The targets, checked on this run: the first (retrieval) route's precision and
    /// coverage, the whole cascade's, and every stage's calibration.
    static func targets(_ r: EvalReport) -> [Target] {
        var t: [Target] = []
        if let first = r.routes.first {
            t.append(Target(name: "\(first.stage) precision", value: first.precision, goal: "≥ 0.95", met: (first.precision ?? 0) >= 0.95))
            t.append(Target(name: "\(first.stage) coverage of answerable", value: first.coverage, goal: "≥ 0.60", met: first.coverage >= 0.6))
        }
        t.append(Target(name: "answerable answered right (text and file)", value: r.endToEnd.answeredRight, goal: "≥ 0.90",
                        met: r.endToEnd.answeredRight >= 0.9))
        t.append(Target(name: "unanswerable declined", value: r.endToEnd.declinedShare, goal: "≥ 0.90", met: r.endToEnd.declinedShare >= 0.9))
        t.append(Target(name: "precision of accepted answers", value: r.endToEnd.precision, goal: "≥ 0.95",
                        met: (r.endToEnd.precision ?? 0) >= 0.95))
        for route in r.routes where route.ran > 0 {
            t.append(Target(name: "\(route.stage) ECE", value: route.ece, goal: "≤ 0.05", met: route.ece <= 0.05))
        }
        return t
    }

    static func ratio(_ a: Int, _ b: Int, empty: Double) -> Double { b == 0 ? empty : Double(a) / Double(b) }

    static func mean(_ xs: [Double]) -> Double? { xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count) }

    /// Nearest-rank percentile (the same rule as `nerve stats`): sorted[min(n − 1, ⌊p·n⌋)].
    static func percentile(_ xs: [Double], _ p: Double) -> Double {
        let s = xs.sorted()
        return s.isEmpty ? 0 : s[min(s.count - 1, Int(p * Double(s.count)))]
    }
}
