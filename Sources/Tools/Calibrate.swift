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
import Wire

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
    /// [--save-records FILE] [--records FILE,...]`.
    static func calibrate(_ inv: Invocation) throws -> Int32 {
        let targets = try (inv.options["precision"] ?? "0.9,0.95,0.98").split(separator: ",").map { s -> Double in
            guard let p = Double(s), (0.5...1).contains(p) else {
                throw ClientError.usage(message: "--precision takes numbers from 0.5 to 1, comma-separated", command: "calibrate")
            }
            return p
        }
        let root = inv.options["data-root"] ?? Commands.defaultDataRoot()
        var questions: [TrainingQuestion] = []
        for file in inv.positionals { questions += try readQuestions(file, dataRoot: root) }
        if let l = inv.options["limit"].flatMap(Int.init), l > 0 { questions = Array(questions.prefix(l)) }
        var records: [(String, [StageRecord])] = []
        if !questions.isEmpty {
            records = try collect(questions, socket: inv.socket, progress: Commands.progressPrinter(inv))
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
        let out = inv.options["out"] ?? "pipelines/calibration"
        do { try FileSystem.makeDirectories(out) } catch { throw ClientError.file(path: out, reason: "\(error)") }
        let sources = inv.positionals + (inv.options["records"].map { ["--records", $0] } ?? [])
        let provenance = ["Written by: nerve calibrate " + sources.joined(separator: " ") + " --precision "
                          + targets.map { "\($0)" }.joined(separator: ","),
                          "Questions: \(questions.count) (\(questions.filter { !$0.unanswerable }.count) answerable); fitted by Sources/Tools/Fitting.swift"]
        for (stage, rows) in records {
            let kind = rows.contains { !$0.candidates.isEmpty } ? "selector" : "scorer"
            let fit = kind == "selector" ? try Fitting.selector(stage: stage, rows, questions: questions, targets: targets, provenance: provenance)
                                         : try Fitting.scorer(stage: stage, rows, questions: questions, targets: targets, provenance: provenance)
            Console.output(fit.report)
            let path = out + "/" + stage + ".toml"
            do { try FileSystem.writeAtomically(path, Array(fit.model.render().utf8)) } catch { throw ClientError.file(path: path, reason: "\(error)") }
            Console.output("wrote \(path)\n\n")
        }
        return 0
    }

    /// The questions of a JSON Lines file: corporate form (`id`, `files` relative to `dataRoot`) or
    /// SQuAD form (`path` absolute).
    static func readQuestions(_ file: String, dataRoot: String) throws -> [TrainingQuestion] {
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(file, limit: 1 << 30) } catch { throw ClientError.file(path: file, reason: "\(error)") }
        var out: [TrainingQuestion] = []
        for (n, line) in bytes.split(separator: 0x0a).enumerated() where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0d }) {
            guard let j = try? JSON.parse(Array(line)), let q = j["question"]?.stringValue else {
                throw ClientError.file(path: file, reason: "line \(n + 1): expected {\"question\": ..., \"answers\": [...], \"unanswerable\": bool}")
            }
            let answers = j["answers"]?.arrayValue?.compactMap(\.stringValue) ?? []
            var files = (j["files"]?.arrayValue ?? []).compactMap(\.stringValue).map { $0.hasPrefix("/") ? $0 : dataRoot + "/" + $0 }
            if let p = j["path"]?.stringValue { files.append(p) }
            let id = j["id"]?.stringValue ?? "\(file):\(n + 1)"
            out.append(TrainingQuestion(id: id, question: q, answers: answers, unanswerable: j["unanswerable"]?.boolValue ?? answers.isEmpty,
                                        files: files, group: files.first.map { groupKey($0) } ?? "question:" + id))
        }
        return out
    }

    /// The document group of a file: the file itself, except the paragraphs of one SQuAD article
    /// (`…/ARTICLE/pNNN.md`), which share their article.
    static func groupKey(_ path: String) -> String {
        let parts = path.split(separator: "/")
        if let last = parts.last, last.hasPrefix("p"), last.hasSuffix(".md"), parts.count > 1 { return parts.dropLast().joined(separator: "/") }
        return path
    }

    /// Asks every question once over one connection; per answering stage, its judged records.
    static func collect(_ questions: [TrainingQuestion], socket: String, progress: (Int, Int) -> Void) throws -> [(String, [StageRecord])] {
        let client = try WireClient(path: socket)
        defer { client.close() }
        var byStage: [String: [StageRecord]] = [:]
        var order: [String] = []
        for (i, q) in questions.enumerated() {
            let r = try client.call("ask", JSONObject([("question", .string(q.question)), ("explain", true)]))
            for s in r["stages"]?.arrayValue ?? [] {
                guard s["status"] == "ran", let id = s["id"]?.stringValue, let conf = s["confidence"]?.doubleValue,
                      let features = s["features"]?.objectValue, features.count > 0 else { continue }
                let candidates = (s["candidates"]?.arrayValue ?? []).map { c in
                    (features: (c["features"]?.objectValue ?? JSONObject()).map { ($0.key, $0.value.doubleValue ?? 0) },
                     right: judge(c["text"]?.stringValue ?? "", cited: [c["citation"]?["path"]?.stringValue ?? ""], q))
                }
                let cited = (s["citations"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
                let record = StageRecord(question: i, confidence: conf, features: features.map { ($0.key, $0.value.doubleValue ?? 0) },
                                         right: judge(s["answer"]?.stringValue ?? "", cited: cited, q), candidates: candidates)
                if byStage[id] == nil { order.append(id) }
                byStage[id, default: []].append(record)
            }
            progress(i + 1, questions.count)
        }
        return order.map { ($0, byStage[$0] ?? []) }
    }

    /// Right: the text holds an accepted answer (SQuAD normalisation) and, when the question names
    /// the files stating it, one of the citations is one of them.
    static func judge(_ text: String, cited: [String], _ q: TrainingQuestion) -> Bool {
        guard !q.unanswerable else { return false }
        guard SQuADScoring.contains(text, anyOf: q.answers) else { return false }
        return q.files.isEmpty || cited.contains { c in q.files.contains(c) }
    }
}
