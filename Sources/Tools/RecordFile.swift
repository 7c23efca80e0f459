// What `nerve calibrate` collected, kept as JSON Lines so a fit can combine questions asked of
// different indexes (the corporate folders, SQuAD's articles) and be re-run without asking again:
// one line per question — its id, group and whether it was answerable — then one per judged stage
// record with its features and candidates.
import Client
import JSON
import Posix

enum RecordFile {
    static func render(_ questions: [TrainingQuestion], _ records: [(String, [StageRecord])]) -> String {
        var out = ""
        for q in questions {
            out += JSON.object(JSONObject([("question", .string(q.id)), ("group", .string(q.group)),
                                           ("unanswerable", .bool(q.unanswerable))])).serialized() + "\n"
        }
        func pairs(_ f: [(String, Double)]) -> JSON { .array(f.map { .array([.string($0.0), .double($0.1)]) }) }
        for (stage, rows) in records {
            for r in rows {
                out += JSON.object(JSONObject([
                    ("stage", .string(stage)), ("q", .int(Int64(r.question))), ("confidence", .double(r.confidence)),
                    ("right", .bool(r.right)), ("features", pairs(r.features)),
                    ("candidates", .array(r.candidates.map { .object(JSONObject([("right", .bool($0.right)), ("features", pairs($0.features))])) })),
                ])).serialized() + "\n"
            }
        }
        return out
    }

    /// - Throws: `ClientError.file` naming the line that is wrong.
    static func read(_ path: String) throws -> ([TrainingQuestion], [(String, [StageRecord])]) {
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path, limit: 1 << 31) } catch { throw ClientError.file(path: path, reason: "\(error)") }
        var questions: [TrainingQuestion] = []
        var byStage: [String: [StageRecord]] = [:], order: [String] = []
        func pairs(_ j: JSON?) -> [(String, Double)]? {
            guard let a = j?.arrayValue else { return nil }
            let out = a.compactMap { p -> (String, Double)? in
                guard let n = p[0]?.stringValue, let x = p[1]?.doubleValue else { return nil }
                return (n, x)
            }
            return out.count == a.count ? out : nil
        }
        for (n, line) in bytes.split(separator: 0x0a).enumerated() {
            let bad = ClientError.file(path: path, reason: "line \(n + 1): not a calibration record")
            guard let j = try? JSON.parse(Array(line)) else { throw bad }
            if let id = j["question"]?.stringValue {
                questions.append(TrainingQuestion(id: id, question: "", answers: [], unanswerable: j["unanswerable"]?.boolValue ?? false,
                                                  files: [], group: j["group"]?.stringValue ?? id))
                continue
            }
            guard let stage = j["stage"]?.stringValue, let q = j["q"]?.intValue, q >= 0, q < questions.count,
                  let features = pairs(j["features"]), let candidates = j["candidates"]?.arrayValue else { throw bad }
            let cs = try candidates.map { c -> (features: [(String, Double)], right: Bool) in
                guard let f = pairs(c["features"]) else { throw bad }
                return (f, c["right"]?.boolValue ?? false)
            }
            if byStage[stage] == nil { order.append(stage) }
            byStage[stage, default: []].append(StageRecord(question: q, confidence: j["confidence"]?.doubleValue ?? 0, features: features,
                                                           right: j["right"]?.boolValue ?? false, candidates: cs))
        }
        return (questions, order.map { ($0, byStage[$0] ?? []) })
    }

    /// Adds another file's questions and records, renumbering its question indexes.
    static func append(_ q: [TrainingQuestion], _ r: [(String, [StageRecord])], to questions: inout [TrainingQuestion],
                       _ records: inout [(String, [StageRecord])]) {
        let offset = questions.count
        questions += q
        for (stage, rows) in r {
            let shifted = rows.map { StageRecord(question: $0.question + offset, confidence: $0.confidence, features: $0.features,
                                                 right: $0.right, candidates: $0.candidates) }
            if let i = records.firstIndex(where: { $0.0 == stage }) { records[i].1 += shifted } else { records.append((stage, shifted)) }
        }
    }
}
