// `nerve calibrate`: fits each answering stage's confidence to how often its answers were right on
// a labelled question file, picks the stage's accept threshold for a target precision (or a target
// escalation rate), prints the risk-coverage table, and writes the calibration file.
import JSON
import Pipeline
import Posix
import Stages

public enum Calibrate {
    public struct Result: Sendable {
        public var stage: String
        public var calibration: StageCalibration
        public var table: [LogisticFit.Point]
        public var samples: Int
    }

    /// Fits every answering stage that produced features in `records`.
    public static func fit(_ records: [EvalRecord], targetPrecision: Double, targetEscalation: Double?) -> [Result] {
        var stageIDs: [String] = []
        for r in records { for s in r.stages where !stageIDs.contains(s.stage) { stageIDs.append(s.stage) } }
        var out: [Result] = []
        for id in stageIDs {
            let outcomes = records.compactMap { r in r.stages.first { $0.stage == id } }
            guard let names = outcomes.first?.features.map(\.0), !names.isEmpty else { continue }
            let x = outcomes.map { o in names.map { n in o.features.first { $0.0 == n }?.1 ?? 0 } }
            let y = outcomes.map(\.correct)
            let (w, b) = LogisticFit.fit(x, y)
            let scored = zip(x, y).map { row, ok in
                (p: LogisticFit.sigmoid(b + zip(w, row).reduce(0) { $0 + $1.0 * $1.1 }), correct: ok)
            }
            let table = LogisticFit.riskCoverage(scored)
            let accept = targetEscalation.map { LogisticFit.threshold(forEscalation: $0, scored.map(\.p)) }
                ?? LogisticFit.threshold(forPrecision: targetPrecision, table)
            out.append(Result(stage: id, calibration: StageCalibration(accept: accept, features: names, weights: w, bias: b),
                              table: table, samples: outcomes.count))
        }
        return out
    }

    /// About a dozen rows of the table: precision and coverage at evenly spaced coverage levels,
    /// and the chosen threshold.
    public static func render(_ r: Result, answerable: Int) -> String {
        var s = "stage \(r.stage): \(r.samples) answers; accept = \(String(format4: r.calibration.accept ?? 1))\n"
        s += "  threshold  accepted  correct  precision  coverage\n"
        let total = max(r.table.last?.accepted ?? 1, 1)
        var next = 0.0
        for p in r.table where Double(p.accepted) / Double(total) >= next || p.threshold == r.calibration.accept {
            s += "  " + [String(format4: p.threshold), "\(p.accepted)", "\(p.correct)", String(format4: p.precision),
                         String(format4: Double(p.correct) / Double(max(answerable, 1)))].map { $0.leftPad(9) }.joined(separator: "  ")
            s += p.threshold == r.calibration.accept ? "  <- accept\n" : "\n"
            next = Double(p.accepted) / Double(total) + 0.08
        }
        return s
    }
}

extension String {
    init(format4 x: Double) {
        let n = Int((x * 10_000).rounded())
        let frac = String(abs(n % 10_000))
        self = "\(n / 10_000).\(String(repeating: "0", count: 4 - frac.count))\(frac)"
    }

    func leftPad(_ w: Int) -> String { count >= w ? self : String(repeating: " ", count: w - count) + self }
}
