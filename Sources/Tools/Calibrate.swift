// `nerve calibrate`: fits each answering stage's confidence to how often its answers were right on
// a labelled question file, picks the stage's accept threshold for a target precision (or a target
// escalation rate), prints the risk-coverage table, and writes the calibration file.
import Client
import JSON
import Learn
import Pipeline
import Posix

public enum Calibrate {
    public struct Result: Sendable {
        public var stage: String
        public var calibration: StageCalibration
        public var table: [RiskCoverage.Point]
        public var samples: Int
    }

    /// Fits every answering stage that produced features in `records`.
    /// - Throws: `LearnError` when a stage's answers cannot be fitted (e.g. all right or all wrong).
    public static func fit(_ records: [EvalRecord], targetPrecision: Double, targetEscalation: Double?) throws -> [Result] {
        var stageIDs: [String] = []
        for r in records { for s in r.stages where !stageIDs.contains(s.stage) { stageIDs.append(s.stage) } }
        var out: [Result] = []
        for id in stageIDs {
            let outcomes = records.compactMap { r in r.stages.first { $0.stage == id } }
            guard let names = outcomes.first?.features.map(\.0), !names.isEmpty else { continue }
            let x = outcomes.map { o in names.map { n in o.features.first { $0.0 == n }?.1 ?? 0 } }
            let y = outcomes.map(\.correct)
            let (w, b) = try LogisticRegression.fit(try FeatureMatrix(rows: x), labels: y).unstandardised
            let p = x.map { row in logistic(b + zip(w, row).reduce(0) { $0 + $1.0 * $1.1 }) }
            let table = RiskCoverage.table(p, y)
            let point = targetEscalation.map { RiskCoverage.threshold(forEscalation: $0, table) }
                ?? RiskCoverage.threshold(forPrecision: targetPrecision, table)
            let accept = point?.threshold ?? 1
            out.append(Result(stage: id, calibration: StageCalibration(accept: accept, features: names, weights: w, bias: b),
                              table: table, samples: outcomes.count))
        }
        return out
    }

    /// About a dozen rows of the table: precision and coverage at evenly spaced coverage levels,
    /// and the chosen threshold.
    public static func render(_ r: Result, answerable: Int) -> String {
        var s = "stage \(r.stage): \(r.samples) answers; accept = \(Decimals.fixed(r.calibration.accept ?? 1, places: 4))\n"
        s += "  threshold  accepted  correct  precision  coverage\n"
        let total = max(r.table.last?.accepted ?? 1, 1)
        var next = 0.0
        for p in r.table where Double(p.accepted) / Double(total) >= next || p.threshold == r.calibration.accept {
            s += "  " + [Decimals.fixed(p.threshold, places: 4), "\(p.accepted)", "\(p.correct)", Decimals.fixed(p.precision, places: 4),
                         Decimals.fixed(Double(p.correct) / Double(max(answerable, 1)), places: 4)].map { $0.leftPad(9) }.joined(separator: "  ")
            s += p.threshold == r.calibration.accept ? "  <- accept\n" : "\n"
            next = Double(p.accepted) / Double(total) + 0.08
        }
        return s
    }
}

extension Tools {
    /// `nerve calibrate FILE.jsonl`: fits confidences, picks thresholds, writes the calibration file.
    static func calibrate(_ inv: Invocation) throws -> Int32 {
        let qs = try Commands.questions(inv)
        let precision = inv.options["precision"].flatMap(Double.init) ?? 0.95
        let escalation = inv.options["escalation"].flatMap(Double.init)
        guard (0.5...1).contains(precision), escalation.map({ (0...1).contains($0) }) ?? true else {
            throw ClientError.usage(message: "--precision must be in 0.5...1 and --escalation in 0...1", command: "calibrate")
        }
        let records = try Evaluation.run(qs, socket: inv.socket, progress: Commands.progressPrinter(inv))
        let results = try Calibrate.fit(records, targetPrecision: precision, targetEscalation: escalation)
        guard !results.isEmpty else {
            throw ClientError.file(path: inv.positionals[0], reason: "no answering stage reported features; nothing to calibrate")
        }
        let answerable = qs.filter { !$0.unanswerable }.count
        for r in results { Console.output(Calibrate.render(r, answerable: answerable) + "\n") }
        let out = inv.options["out"] ?? "pipelines/calibration.toml"
        let goal = escalation.map { "escalation rate \(Decimals.fixed($0 * 100, places: 2))%" } ?? "precision \(Decimals.fixed(precision * 100, places: 2))%"
        let text = CalibrationFile.render(results.map { ($0.stage, $0.calibration) }, comments: [
            "Written by `nerve calibrate` from \(inv.positionals[0]) (\(qs.count) questions, \(answerable) answerable), target \(goal).",
            "Reference it from a pipeline with: calibration = \"\(out.split(separator: "/").last.map(String.init) ?? out)\"",
        ])
        do { try FileSystem.writeAtomically(out, Array(text.utf8)) } catch { throw ClientError.file(path: out, reason: "\(error)") }
        Console.output("wrote \(out)\n")
        return 0
    }
}

extension String {
    func leftPad(_ w: Int) -> String { count >= w ? self : String(repeating: " ", count: w - count) + self }
}
