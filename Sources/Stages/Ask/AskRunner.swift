// Answers one question with the ask pipeline and shapes the reply every client sees (the
// `nerve ask --json` object): answer, route, confidence, accepted, generation, citations and
// per-stage timings; a low-confidence result says so and carries the best passages.
import Index
import JSON
import Pipeline
import Posix

/// Calls a stage running in another process (`socket = ...`): the daemon provides it, since
/// this module knows nothing of sockets. Notifications from the process (streamed tokens) are
/// passed to `onEvent`.
public typealias ExternalCaller = @Sendable (_ socket: String, _ request: JSONObject,
                                             _ onEvent: @escaping @Sendable (String, JSONObject) -> Void) throws -> JSON

public final class AskRunner: @unchecked Sendable {
    let env: StageEnvironment
    let pipeline: LinkedPipeline
    let external: ExternalCaller?

    public init(env: StageEnvironment, pipeline: LinkedPipeline, external: ExternalCaller? = nil) {
        self.env = env
        self.pipeline = pipeline
        self.external = external
    }

    /// Runs the pipeline. `emit` streams notifications (partial answers) to the asker.
    /// - Throws: `StagesError.noIndex` when nothing is indexed; `PipelineError.noAnswer` when every
    ///   answering stage failed.
    /// With `explain`, each answering stage's entry carries the features behind its confidence
    /// (what `nerve calibrate` fits on).
    public func ask(_ question: String, viewer: Viewer?, explain: Bool = false,
                    emit: @escaping @Sendable (String, JSONObject) -> Void = { _, _ in }) throws -> JSON {
        let start = ContinuousClock.now
        let (generation, chunks) = try env.index.read { r in (try r.generation(), try r.chunkCount()) }
        if chunks == 0 {
            throw StagesError.noIndex(reason: "the index is empty; run `nerve ingest DIR` first")
        }
        let context = AskContext(question: question, viewer: viewer, emit: emit, external: external)
        let result = Executor.run(pipeline, context: context)
        let totalMs = (ContinuousClock.now - start).milliseconds

        guard let stageID = result.finalStage, let answer = result.finalAnswer as? Answer else {
            let reasons = result.reports.filter { $0.status != .ran }.map { "\($0.id): \($0.note ?? $0.status.rawValue)" }
            throw PipelineError.noAnswer(reasons: reasons)
        }
        var o = JSONObject()
        o["answer"] = .string(answer.text)
        o["route"] = .string(stageID)
        o["confidence"] = .double((answer.confidence * 10000).rounded() / 10000)
        o["accepted"] = .bool(result.accepted)
        o["generation"] = .int(generation)
        o["citations"] = .array(answer.citations.map { $0.json() })
        // Every answering stage that ran is paid for, not only the one whose answer won.
        var tokensIn = 0, tokensOut = 0, cost = 0.0
        o["stages"] = .array(result.reports.map { r in
            var s = JSONObject([("id", .string(r.id)), ("kind", .string(r.kind)), ("status", .string(r.status.rawValue))])
            s["confidence"] = r.confidence.map { .double(($0 * 10000).rounded() / 10000) } ?? .null
            s["ms"] = .double((r.ms * 1000).rounded() / 1000)
            if let a = result.outputs[r.id]?.values.compactMap({ $0 as? Answer }).first {
                s["tokens_in"] = .int(Int64(a.tokensIn))
                s["tokens_out"] = .int(Int64(a.tokensOut))
                s["cost"] = .double(a.cost)
                if let m = a.model { s["model"] = .string(m) }
                if explain {
                    s["features"] = .object(JSONObject(a.features.map { ($0.name, .double($0.value)) }))
                    s["answer"] = .string(a.text)
                }
                tokensIn += a.tokensIn
                tokensOut += a.tokensOut
                cost += a.cost
            }
            if let n = r.note { s["note"] = .string(n) }
            return .object(s)
        })
        if !result.accepted {
            let threshold = pipeline.stage(stageID)?.config.accept ?? 1
            let laterExists = pipeline.stages.drop { $0.id != stageID }.dropFirst().contains { $0.kind.role == .answering }
            o["note"] = .string("No confident answer: confidence \(Self.percent(answer.confidence)) is below stage '\(stageID)' accept threshold \(Self.percent(threshold))"
                + (laterExists ? " and no later stage did better." : ", and no later answering stage is configured.")
                + " The best passages are included.")
            o["passages"] = .array(answer.passages.map { p in
                .object(JSONObject([("text", .string(p.text)), ("score", .double((p.score * 1000).rounded() / 1000)),
                                    ("citation", p.citation.json())]))
            })
        }
        o["tokens_in"] = .int(Int64(tokensIn))
        o["tokens_out"] = .int(Int64(tokensOut))
        o["cost"] = .double(cost)
        o["total_ms"] = .double((totalMs * 1000).rounded() / 1000)
        try? env.index.logQuery(QueryLogEntry(question: question, route: stageID, accepted: result.accepted, confidence: answer.confidence,
                                              generation: generation, totalMs: totalMs, tokensIn: tokensIn, tokensOut: tokensOut, cost: cost,
                                              detail: JSON.object(JSONObject([("stages", o["stages"] ?? .null)])).serialized()))
        return .object(o)
    }

    static func percent(_ x: Double) -> String {
        String(format2: x)
    }
}

extension String {
    /// Two decimals without Foundation's String(format:).
    init(format2 x: Double) {
        let n = Int((x * 100).rounded())
        let frac = abs(n % 100)
        self = "\(n / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}

final class AskContext: RunContext, @unchecked Sendable {
    let question: String
    let viewer: Viewer?
    let emitter: @Sendable (String, JSONObject) -> Void
    let external: ExternalCaller?

    init(question: String, viewer: Viewer?, emit: @escaping @Sendable (String, JSONObject) -> Void, external: ExternalCaller?) {
        self.question = question
        self.viewer = viewer
        self.emitter = emit
        self.external = external
    }

    func value(_ key: String) -> (any Sendable)? {
        switch key {
        case ContextKey.question: return question
        case ContextKey.viewer: return viewer
        default: return nil
        }
    }

    func emit(_ event: String, _ payload: JSONObject) { emitter(event, payload) }

    func callExternal(socket: String, request: JSONObject) throws -> JSON {
        guard let external else { throw StagesError.command(command: socket, reason: "no way to reach external stages here") }
        // The remote stage must see the same question and asker (access control travels too).
        var r = request
        var ctx = JSONObject([("question", .string(question))])
        if let viewer { ctx["viewer"] = .object(["uid": .int(Int64(viewer.uid)), "gids": .array(viewer.gids.map { .int(Int64($0)) })]) }
        r["context"] = .object(ctx)
        return try external(socket, r, emitter)
    }
}
