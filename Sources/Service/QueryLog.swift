// The query log as typed records: each answered question's route, confidence and generation
// (the index's columns), and per stage its status, role, confidence, time, tokens and cost (the
// `detail` column, JSON written and read only here; a local model's prefill and decode time too). `nerve stats` reads these records; nothing
// parses stage names or parameters out of the log.
import Index
import JSON
import Pipeline

/// What one stage did for one question.
struct StageRecord: Sendable, Equatable {
    var id: String
    var kind: String
    var role: StageRole
    var status: StageReport.Status
    var confidence: Double?
    var ms: Double
    var tokensIn = 0
    var tokensOut = 0
    var cost = 0.0
    var model: String?
    /// A local model's prompt evaluation and generation time (0: none ran).
    var prefillMs = 0.0
    var decodeMs = 0.0

    func json() -> JSON {
        var o = JSONObject([("id", .string(id)), ("kind", .string(kind)), ("role", .string(role.rawValue)),
                            ("status", .string(status.rawValue)), ("ms", .double(ms))])
        if let c = confidence { o["confidence"] = .double(c) }
        if tokensIn > 0 || tokensOut > 0 || cost > 0 || model != nil {
            o["tokens_in"] = .int(Int64(tokensIn))
            o["tokens_out"] = .int(Int64(tokensOut))
            o["cost"] = .double(cost)
        }
        if let m = model { o["model"] = .string(m) }
        if prefillMs > 0 || decodeMs > 0 {
            o["prefill_ms"] = .double(prefillMs)
            o["decode_ms"] = .double(decodeMs)
        }
        return .object(o)
    }

    init(id: String, kind: String, role: StageRole, status: StageReport.Status, confidence: Double?, ms: Double) {
        self.id = id
        self.kind = kind
        self.role = role
        self.status = status
        self.confidence = confidence
        self.ms = ms
    }

    init?(_ j: JSON) {
        guard let id = j["id"]?.stringValue, let kind = j["kind"]?.stringValue,
              let status = j["status"]?.stringValue.flatMap(StageReport.Status.init(rawValue:)) else { return nil }
        // Records written before roles were logged: answering kinds are the ones named answer.*.
        let role = j["role"]?.stringValue.flatMap(StageRole.init(rawValue:)) ?? (kind.hasPrefix("answer.") ? .answering : .transform)
        self.init(id: id, kind: kind, role: role, status: status, confidence: j["confidence"]?.doubleValue, ms: j["ms"]?.doubleValue ?? 0)
        tokensIn = j["tokens_in"]?.intValue ?? 0
        tokensOut = j["tokens_out"]?.intValue ?? 0
        cost = j["cost"]?.doubleValue ?? 0
        model = j["model"]?.stringValue
        prefillMs = j["prefill_ms"]?.doubleValue ?? 0
        decodeMs = j["decode_ms"]?.doubleValue ?? 0
    }
}

/// One answered question.
struct QueryRecord: Sendable {
    var entry: QueryLogEntry
    var stages: [StageRecord]

    /// An escalation: a second answering stage was tried, whether or not it succeeded.
    var escalated: Bool { stages.filter { $0.role == .answering && $0.status != .skipped }.count > 1 }

    var logEntry: QueryLogEntry {
        var e = entry
        e.detail = JSON.object(JSONObject([("version", 1), ("stages", .array(stages.map { $0.json() }))])).serialized()
        return e
    }

    init(entry: QueryLogEntry, stages: [StageRecord]) {
        self.entry = entry
        self.stages = stages
    }

    /// A row read back from the index; a detail that does not parse leaves the stages empty.
    init(_ e: QueryLogEntry) {
        entry = e
        stages = ((try? JSON.parse(e.detail))?["stages"]?.arrayValue ?? []).compactMap(StageRecord.init)
    }
}
