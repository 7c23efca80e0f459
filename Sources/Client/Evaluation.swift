// `nerve eval` and the data `nerve calibrate` fits on: every question of a JSON Lines file asked
// through the daemon (with per-stage evidence), judged the SQuAD way (normalised answer contains an
// accepted answer; an unanswerable question must not be answered), and summed up per route.
import JSON
import Posix
import Wire

/// One line of an evaluation file.
public struct EvalQuestion: Sendable {
    public var question: String
    public var answers: [String]
    public var unanswerable: Bool

    /// Reads JSON Lines: {"question": ..., "answers": [...], "unanswerable": bool}.
    /// - Throws: `ClientError.file` naming the line that is wrong.
    public static func load(_ path: String) throws -> [EvalQuestion] {
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path, limit: 1 << 30) } catch { throw ClientError.file(path: path, reason: "\(error)") }
        var out: [EvalQuestion] = []
        for (n, line) in bytes.split(separator: 0x0a).enumerated() where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0d }) {
            guard let j = try? JSON.parse(Array(line)), let q = j["question"]?.stringValue else {
                throw ClientError.file(path: path, reason: "line \(n + 1): expected {\"question\": ..., \"answers\": [...], \"unanswerable\": bool}")
            }
            let answers = j["answers"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let unanswerable = j["unanswerable"]?.boolValue ?? answers.isEmpty
            out.append(EvalQuestion(question: q, answers: answers, unanswerable: unanswerable))
        }
        return out
    }
}

/// What one answering stage did for one question.
public struct StageOutcome: Sendable {
    public var stage: String
    public var confidence: Double
    public var features: [(String, Double)]
    public var answer: String
    /// Whether this stage's answer would be right if accepted.
    public var correct: Bool
}

public struct EvalRecord: Sendable {
    public var question: EvalQuestion
    public var route: String
    public var accepted: Bool
    public var correct: Bool
    public var stages: [StageOutcome]
    public var ms: Double
    public var cost: Double
}

public enum SQuADScoring {
    /// SQuAD's answer normalisation: lower case, no punctuation, no articles, single spaces.
    public static func normalize(_ s: String) -> String {
        let lowered = s.lowercased().unicodeScalars.map { $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == " " ? Character($0) : " " }
        return String(lowered).split(separator: " ").filter { !["a", "an", "the"].contains($0) }.joined(separator: " ")
    }

    /// Right when the answer contains an accepted answer; an unanswerable question has none.
    public static func correct(_ answer: String, _ q: EvalQuestion) -> Bool {
        !q.unanswerable && contains(answer, anyOf: q.answers)
    }

    /// Whether the normalised `answer` contains one of the normalised `accepted` strings, word-aligned.
    public static func contains(_ answer: String, anyOf accepted: [String]) -> Bool {
        let a = " " + normalize(answer) + " "
        return accepted.contains { let n = normalize($0); return !n.isEmpty && a.contains(" " + n + " ") }
    }
}

public enum Evaluation {
    /// Asks every question over one connection; `progress` gets (done, total).
    public static func run(_ questions: [EvalQuestion], socket: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> [EvalRecord] {
        let client = try WireClient(path: socket)
        defer { client.close() }
        var out: [EvalRecord] = []
        for (i, q) in questions.enumerated() {
            let start = ContinuousClock.now
            let r = try client.call("ask", ["question": .string(q.question), "explain": true])
            let ms = (ContinuousClock.now - start).milliseconds
            var stages: [StageOutcome] = []
            for s in r["stages"]?.arrayValue ?? [] {
                guard s["status"] == "ran", let conf = s["confidence"]?.doubleValue, let f = s["features"]?.objectValue else { continue }
                let text = s["answer"]?.stringValue ?? ""
                stages.append(StageOutcome(stage: s["id"]?.stringValue ?? "?", confidence: conf,
                                           features: f.map { ($0.key, $0.value.doubleValue ?? 0) }, answer: text,
                                           correct: SQuADScoring.correct(text, q)))
            }
            let answer = r["answer"]?.stringValue ?? ""
            out.append(EvalRecord(question: q, route: r["route"]?.stringValue ?? "?", accepted: r["accepted"]?.boolValue ?? false,
                                  correct: SQuADScoring.correct(answer, q), stages: stages, ms: ms, cost: r["cost"]?.doubleValue ?? 0))
            progress(i + 1, questions.count)
        }
        return out
    }

    /// The summary `nerve eval` prints and returns as JSON.
    public static func summary(_ records: [EvalRecord], firstStage: String?) -> JSON {
        let answerable = records.filter { !$0.question.unanswerable }
        let unanswerable = records.count - answerable.count
        var o = JSONObject()
        o["questions"] = .int(Int64(records.count))
        o["answerable"] = .int(Int64(answerable.count))
        o["unanswerable"] = .int(Int64(unanswerable))
        if let first = firstStage {
            let byRetrieval = records.filter { $0.accepted && $0.route == first }
            let right = byRetrieval.filter(\.correct).count
            o["retrieval_stage"] = .string(first)
            o["retrieval_answered"] = .int(Int64(byRetrieval.count))
            o["retrieval_precision"] = .double(round(byRetrieval.isEmpty ? 1 : Double(right) / Double(byRetrieval.count)))
            o["retrieval_coverage"] = .double(round(answerable.isEmpty ? 0 : Double(right) / Double(answerable.count)))
            o["retrieval_unanswerable_answered"] = .int(Int64(byRetrieval.filter(\.question.unanswerable).count))
            o["escalation_rate"] = .double(round(records.isEmpty ? 0 : Double(records.count - byRetrieval.count) / Double(records.count)))
        }
        var routes = JSONObject()
        for route in Set(records.map(\.route)).sorted() {
            let rs = records.filter { $0.route == route }
            let acc = rs.filter(\.accepted)
            routes[route] = .object(["final": .int(Int64(rs.count)), "accepted": .int(Int64(acc.count)),
                                     "accepted_correct": .int(Int64(acc.filter(\.correct).count))])
        }
        o["routes"] = .object(routes)
        let accepted = records.filter(\.accepted)
        o["end_to_end_accepted"] = .int(Int64(accepted.count))
        o["end_to_end_precision"] = .double(round(accepted.isEmpty ? 1 : Double(accepted.filter(\.correct).count) / Double(accepted.count)))
        o["end_to_end_coverage"] = .double(round(answerable.isEmpty ? 0 : Double(accepted.filter(\.correct).count) / Double(answerable.count)))
        o["unanswerable_declined"] = .int(Int64(records.filter { $0.question.unanswerable && !$0.accepted }.count))
        let lat = records.map(\.ms).sorted()
        o["p50_ms"] = .double(round(lat.isEmpty ? 0 : lat[lat.count / 2]))
        o["cost"] = .double(records.reduce(0) { $0 + $1.cost })
        return .object(o)
    }

    static func round(_ x: Double) -> Double { Decimals.rounded(x, places: 4) }
}

extension Commands {
    /// Where question files' relative `files` paths are rooted: `../shared/data` beside the
    /// current folder when it exists (the repository's layout), else the current folder.
    public static func defaultDataRoot() -> String {
        let shared = FileSystem.absolute("../shared/data")
        return FileSystem.isDirectory(shared) ? ((try? FileSystem.realPath(shared)) ?? shared) : FileSystem.currentDirectory()
    }
}
