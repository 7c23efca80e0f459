// `nerve calibrate`: learns each answering stage's confidence from labelled questions. Every
// question is asked through the daemon with `explain`, every answer (and every candidate the
// extractive stage weighed) is judged against the accepted answers and files, and Fitting.swift
// turns that into one learned-model file per stage — selector or scorer, calibrator, and accept
// thresholds for the target precisions — that the pipeline's calibration folder serves. The same
// questions, documents and command give the same files, byte for byte.
import Client
import JSON
import Learn
import Posix

/// One labelled question as the trainer reads it.
public struct TrainingQuestion: Sendable {
    public let id: String
    public let question: String
    public let answers: [String]
    public let unanswerable: Bool
    /// Absolute paths of the files that state the answer (empty: any file will do).
    public let files: [String]
    /// Questions sharing a group (a document) are kept in one fold, so every held-out figure is
    /// measured on documents the fit never saw.
    public let group: String

    public init(id: String, question: String, answers: [String], unanswerable: Bool, files: [String], group: String) {
        self.id = id
        self.question = question
        self.answers = answers
        self.unanswerable = unanswerable
        self.files = files
        self.group = group
    }
}

/// What one answering stage did for one question, judged.
public struct StageRecord: Sendable {
    public let question: Int
    public let confidence: Double
    public let features: [(String, Double)]
    public let right: Bool
    /// Candidates with their features and whether each would have been a right answer.
    public let candidates: [(features: [(String, Double)], right: Bool)]

    public init(question: Int, confidence: Double, features: [(String, Double)], right: Bool,
                candidates: [(features: [(String, Double)], right: Bool)]) {
        self.question = question
        self.confidence = confidence
        self.features = features
        self.right = right
        self.candidates = candidates
    }
}

extension Tools {
    /// `nerve calibrate FILE.jsonl... [--precision P[,P...]] [--out DIR] [--data-root DIR] [--limit N]
    /// [--save-records FILE] [--records FILE,...] [--details OUT.jsonl]`.
    static func calibrate(_ inv: Invocation) throws -> Int32 {
        let targets = try (inv.options["precision"] ?? "0.9,0.95,0.98").split(separator: ",").map { s -> Double in
            guard let p = Double(s), (0.5...1).contains(p) else {
                throw ClientError.usage(message: "--precision takes numbers from 0.5 to 1, comma-separated", command: "calibrate")
            }
            return p
        }
        var questions: [TrainingQuestion] = []
        var records: [(String, [StageRecord])] = []
        if !inv.positionals.isEmpty {
            let asked = try Evaluation.run(try Commands.questions(inv), socket: inv.socket, progress: Commands.progressPrinter(inv))
            // Written before fitting, so the answers can be read even when a fit fails.
            try Commands.writeDetails(asked, inv)
            (questions, records) = training(asked)
        }
        if let save = inv.options["save-records"] {
            do { try FileSystem.writeAtomically(save, Array(RecordFile.render(questions, records).utf8)) } catch {
                throw ClientError.file(path: save, reason: "\(error)")
            }
            Console.output("saved \(records.reduce(0) { $0 + $1.1.count }) stage records of \(questions.count) questions to \(save)\n")
        }
        for file in (inv.options["records"] ?? "").split(separator: ",").map(String.init) where !file.isEmpty {
            let (q, r) = try RecordFile.read(file)
            RecordFile.append(q, r, to: &questions, &records)
        }
        guard !questions.isEmpty else {
            throw ClientError.usage(message: "no questions to calibrate on (give question files, or --records FILE)", command: "calibrate")
        }
        if let only = inv.options["only"] {
            let wanted = Set(only.split(separator: ",").map(String.init))
            records = records.filter { wanted.contains($0.0) }
            guard !records.isEmpty else { throw ClientError.usage(message: "--only \(only): no such answering stage in the records", command: "calibrate") }
        }
        let out = inv.options["out"] ?? "pipelines/calibration"
        do { try FileSystem.makeDirectories(out) } catch { throw ClientError.file(path: out, reason: "\(error)") }
        let sources = inv.positionals + (inv.options["records"].map { ["--records", $0] } ?? [])
        let provenance = ["Written by: nerve calibrate " + sources.joined(separator: " ") + " --precision "
                          + targets.map { "\($0)" }.joined(separator: ","),
                          "Questions: \(questions.count) (\(questions.filter { !$0.unanswerable }.count) answerable); fitted by Sources/Tools/Fitting.swift"]
        var validation: (questions: [TrainingQuestion], records: [(String, [StageRecord])]) = ([], [])
        for file in (inv.options["validate"] ?? "").split(separator: ",").map(String.init) where !file.isEmpty {
            let (q, r) = try RecordFile.read(file)
            RecordFile.append(q, r, to: &validation.questions, &validation.records)
        }
        for (stage, rows) in records {
            let fits = rows.contains { !$0.candidates.isEmpty }
                ? try Fitting.extractive(stage: stage, rows, questions: questions, targets: targets, provenance: provenance)
                : [(stage + ".toml", try Fitting.scorer(stage: stage, rows, questions: questions, targets: targets, provenance: provenance))]
            for (file, fit) in fits {
                Console.output(fit.report)
                let path = out + "/" + file
                do { try FileSystem.writeAtomically(path, Array(fit.model.render().utf8)) } catch { throw ClientError.file(path: path, reason: "\(error)") }
                Console.output("wrote \(path)\n")
            }
            if fits.count == 2, let held = validation.records.first(where: { $0.0 == stage })?.1 {
                Console.output(try Fitting.validate(selector: fits[0].fit.model, verifier: fits[1].fit.model, held,
                                                    questions: validation.questions, targets: targets))
            }
            Console.output("\n")
        }
        return 0
    }

    /// The document group of a file: the file itself, except the paragraphs of one SQuAD article
    /// (`…/ARTICLE/pNNN.md`), which share their article.
    static func groupKey(_ path: String) -> String {
        let parts = path.split(separator: "/")
        if let last = parts.last, last.hasPrefix("p"), last.hasSuffix(".md"), parts.count > 1 { return parts.dropLast().joined(separator: "/") }
        return path
    }

    /// The trainer's view of evaluation records: per answering stage, each question's judged
    /// answer and — for stages that choose among candidates — each candidate judged the same way.
    static func training(_ asked: [EvalRecord]) -> ([TrainingQuestion], [(String, [StageRecord])]) {
        var questions: [TrainingQuestion] = []
        var byStage: [String: [StageRecord]] = [:], order: [String] = []
        for (i, r) in asked.enumerated() {
            let q = r.question
            questions.append(TrainingQuestion(id: q.id, question: q.question, answers: q.answers, unanswerable: q.unanswerable,
                                              files: q.files, group: q.files.first.map(groupKey) ?? "question:" + q.id))
            for s in r.stages where !s.features.isEmpty {
                let candidates = (s.candidates?.arrayValue ?? []).map { c in
                    (features: (c["features"]?.objectValue ?? JSONObject()).map { ($0.key, $0.value.doubleValue ?? 0) },
                     right: Judge.verdict(answer: c["text"]?.stringValue ?? "", citations: [c["citation"]?["path"]?.stringValue ?? ""], q).right)
                }
                if byStage[s.stage] == nil { order.append(s.stage) }
                byStage[s.stage, default: []].append(StageRecord(question: i, confidence: s.confidence, features: s.features,
                                                                 right: s.correct, candidates: candidates))
            }
        }
        return (questions, order.map { ($0, byStage[$0] ?? []) })
    }
}
