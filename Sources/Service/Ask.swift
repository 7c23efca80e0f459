// Answering a question: the ask pipeline runs against one read snapshot of the index (every
// stage sees the same committed state, and the reply reports that state's generation), then the
// reply every client sees is shaped here — answer, route, confidence, accepted, generation,
// citations, per-stage timings and costs; a low-confidence result says so plainly and carries
// the best passages — and the question is recorded in the query log.
import Index
import JSON
import Pipeline
import Posix
import Stages

/// Who asks, as the socket's peer credentials say: answers only use documents this user may read.
public struct Asker: Sendable, Equatable {
    public var uid: UInt32
    public var gids: [UInt32]
    public init(uid: UInt32, gids: [UInt32]) {
        self.uid = uid
        self.gids = gids
    }

    var viewer: Viewer { Viewer(uid: uid, gids: gids) }
}

/// The context of one ask: its question, asker and snapshot, and the client's stream.
final class AskContext: RunContext, @unchecked Sendable {
    let question: String
    let viewer: Viewer?
    let snapshot: IndexReader
    let emitter: @Sendable (String, JSONObject) -> Void

    init(question: String, viewer: Viewer?, snapshot: IndexReader, emit: @escaping @Sendable (String, JSONObject) -> Void) {
        self.question = question
        self.viewer = viewer
        self.snapshot = snapshot
        emitter = emit
    }

    func value<V>(_ key: ContextKey<V>) -> V? {
        switch key.name {
        case RequestKeys.question.name: return question as? V
        case RequestKeys.viewer.name: return viewer as? V
        case RequestKeys.snapshot.name: return snapshot as? V
        default: return nil
        }
    }

    func emit(_ event: String, _ payload: JSONObject) { emitter(event, payload) }
}

extension Engine {
    /// Answers `question`. `emit` streams notifications (partial answers) to the asker. With
    /// `explain`, each answering stage's entry carries the features behind its confidence and its
    /// own answer (what `nerve calibrate` fits on).
    /// - Throws: `ServiceError.noIndex` when nothing is indexed, `.internalError` when every
    ///   answering stage failed, `.queryLog` when the answer could not be recorded.
    public func ask(_ question: String, asker: Asker?, explain: Bool = false,
                    emit: @escaping @Sendable (String, JSONObject) -> Void = { _, _ in }) throws -> JSON {
        let start = ContinuousClock.now
        let set = pipelines
        let (generation, result): (Int64, RunResult)
        do {
            (generation, result) = try store.snapshot { reader in
                guard try reader.chunkCount() > 0 else {
                    throw ServiceError.noIndex(reason: "the index is empty; run `nerve ingest DIR` first")
                }
                let context = AskContext(question: question, viewer: asker?.viewer, snapshot: reader, emit: emit)
                return (try reader.generation(), Executor.run(set.ask, context: context))
            }
        } catch { throw ServiceError.from(error) }
        let totalMs = (ContinuousClock.now - start).milliseconds

        guard let route = result.finalStage, let answer = result.finalAnswer as? Answer else {
            let reasons = result.reports.filter { $0.status != .ran }.map { "\($0.id): \($0.note ?? $0.status.rawValue)" }
            throw ServiceError.from(PipelineError.noAnswer(reasons: reasons))
        }
        var records: [StageRecord] = []
        var o = JSONObject()
        o["answer"] = .string(answer.text)
        o["route"] = .string(route)
        o["confidence"] = .double(Decimals.rounded(answer.confidence, places: 4))
        o["accepted"] = .bool(result.accepted)
        o["generation"] = .int(generation)
        o["citations"] = .array(answer.citations.map { $0.json() })
        // Every answering stage that ran is paid for, not only the one whose answer won.
        var tokensIn = 0, tokensOut = 0, cost = 0.0
        o["stages"] = .array(result.reports.map { r in
            let role = set.ask.plan.stage(r.id)?.kind.role ?? .transform
            var record = StageRecord(id: r.id, kind: r.kind, role: role, status: r.status, confidence: r.confidence, ms: r.ms)
            var s = JSONObject([("id", .string(r.id)), ("kind", .string(r.kind)), ("status", .string(r.status.rawValue))])
            s["confidence"] = r.confidence.map { .double(Decimals.rounded($0, places: 4)) } ?? .null
            s["ms"] = .double(Decimals.rounded(r.ms, places: 3))
            if let a = result.outputs[r.id]?.first(Ports.answer) {
                s["tokens_in"] = .int(Int64(a.tokensIn))
                s["tokens_out"] = .int(Int64(a.tokensOut))
                s["cost"] = .double(a.cost)
                if let m = a.model { s["model"] = .string(m) }
                if a.prefillMs > 0 || a.decodeMs > 0 {
                    s["prefill_ms"] = .double(Decimals.rounded(a.prefillMs, places: 3))
                    s["decode_ms"] = .double(Decimals.rounded(a.decodeMs, places: 3))
                }
                if explain {
                    s["features"] = .object(JSONObject(a.features.map { ($0.name, .double($0.value)) }))
                    s["answer"] = .string(a.text)
                    s["citations"] = .array(a.citations.map { $0.json() })
                    if !a.candidates.isEmpty {
                        let names = a.candidateFeatureNames
                        s["candidates"] = .array(a.candidates.map { c in
                            .object(JSONObject([("text", .string(c.text)), ("score", .double(c.score)), ("citation", c.citation.json()),
                                                ("features", .object(JSONObject(zip(names, c.features).map { ($0, .double($1)) })))]))
                        })
                    }
                }
                tokensIn += a.tokensIn
                tokensOut += a.tokensOut
                cost += a.cost
                record.tokensIn = a.tokensIn
                record.tokensOut = a.tokensOut
                record.cost = a.cost
                record.model = a.model
                record.prefillMs = a.prefillMs
                record.decodeMs = a.decodeMs
            }
            if let n = r.note { s["note"] = .string(n) }
            records.append(record)
            return .object(s)
        })
        if !result.accepted {
            let threshold = set.ask.plan.stage(route)?.accept ?? 1
            let laterExists = set.ask.plan.stages.drop { $0.id != route }.dropFirst().contains { $0.kind.role == .answering }
            // Said plainly first; the numbers after, for whoever tunes the thresholds.
            o["note"] = .string("The documents do not seem to answer this: no stage was confident enough. "
                + "The best answer, from '\(route)', has confidence \(Decimals.fixed(answer.confidence, places: 2)), "
                // A threshold of 1 is a calibration that reached the pipeline's target precision nowhere.
                + (threshold >= 1 ? "and that stage accepts nothing (its calibration reached the target precision at no threshold)"
                                  : "below its threshold \(Decimals.fixed(threshold, places: 2))")
                + (laterExists ? ", and no later stage did better." : ", and no later answering stage is configured.")
                + " The best passages are included.")
            o["passages"] = .array(answer.passages.map { p in
                .object(JSONObject([("text", .string(p.text)), ("score", .double(Decimals.rounded(p.score, places: 3))),
                                    ("citation", p.citation.json())]))
            })
        }
        o["tokens_in"] = .int(Int64(tokensIn))
        o["tokens_out"] = .int(Int64(tokensOut))
        o["cost"] = .double(cost)
        o["total_ms"] = .double(Decimals.rounded(totalMs, places: 3))
        let record = QueryRecord(entry: QueryLogEntry(question: question, route: route, accepted: result.accepted,
                                                      confidence: answer.confidence, generation: generation, totalMs: totalMs,
                                                      tokensIn: tokensIn, tokensOut: tokensOut, cost: cost),
                                 stages: records)
        do { try store.logQuery(record.logEntry) } catch { throw ServiceError.queryLog(reason: "\(error)") }
        return .object(o)
    }
}
