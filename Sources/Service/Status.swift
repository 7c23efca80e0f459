// What the engine reports about itself: the index's counts and vectors and the local models
// loaded in this process for `status`, the embedding method, and `nerve stats`' summary of the query log — route mix, escalation rate,
// latency percentiles, tokens and money, and what sending every question to the priced model
// would have cost instead.
import Index
import JSON
import Pipeline
import Posix
import Stages

extension Engine {
    /// The index part of `status`: documents, generation, chunks, vectors, the last ingest report.
    public func status() throws -> JSONObject {
        let s: IndexStatus
        do { s = try store.read { try $0.status() } } catch { throw ServiceError.from(error) }
        var o = JSONObject()
        o["documents"] = .int(Int64(s.documents))
        o["generation"] = .int(s.generation)
        o["chunks"] = .int(Int64(s.chunks))
        o["contents"] = .int(Int64(s.contents))
        o["skipped"] = .int(Int64(s.skipped))
        o["failed"] = .int(Int64(s.failed))
        let v = store.vectorStatus
        var vectors = JSONObject([("stored", .int(Int64(s.vectors))), ("model", .string(s.vectorModel)),
                                  ("searchable", .int(Int64(v.count))), ("graph", .bool(v.graph)), ("unsaved", .int(Int64(v.unsaved)))])
        if let m = resources.embedding {
            vectors["embedding_model"] = .string(m.directory)
            vectors["embedding_model_loaded"] = .bool(m.isAvailable)
        }
        o["vectors"] = .object(vectors)
        if let r = s.lastReport, let j = try? JSON.parse(r) { o["last_ingest"] = j }
        if let f = frontier() { o["frontier"] = f }
        let local = resources.models.statuses
        if !local.isEmpty { o["models"] = .array(local.map { .object($0.json()) }) }
        return o
    }

    /// The ask pipeline's priced (frontier) stage and its declared prices, for clients that
    /// compare their spending with sending every question there (`nerve eval`); nil without one.
    func frontier() -> JSON? {
        guard let p = pipelines.ask.stages(as: (any PricedStage).self).first else { return nil }
        return .object(JSONObject([("stage", .string(p.plan.id)), ("model", .string(p.stage.model)),
                                   ("price_in", .double(p.stage.pricePerMillionIn)), ("price_out", .double(p.stage.pricePerMillionOut)),
                                   ("typical_cost", .double(Decimals.rounded(p.stage.typicalCost, places: 8)))]))
    }

    /// Most texts one `embed` request may embed (a larger batch belongs to `nerve embed --model`).
    public static let maxEmbedTexts = 1024

    /// Sentence embeddings of `texts` from the daemon's embedding model.
    /// - Throws: `ServiceError.model` when no usable model is configured.
    public func embed(_ texts: [String]) throws -> JSON {
        guard let model = resources.embedding else {
            throw ServiceError.model(reason: "embed: no embedding model is configured (embedding_model in etc/nerved.toml)")
        }
        let vectors: [[Float]]
        do { vectors = try model.embed(texts) } catch { throw ServiceError.from(error) }
        return .object(JSONObject([
            ("model", .string(model.name)),
            ("dimension", .int(Int64(vectors.first?.count ?? 0))),
            // Each Float printed in its shortest round-trip form (Double(Float) would add noise digits).
            ("embeddings", .array(vectors.map { v in .array(v.map { .double(Double("\($0)") ?? Double($0)) }) })),
        ]))
    }

    /// The query log since `sinceHours` ago, summed up.
    public func stats(sinceHours: Double?) throws -> JSON {
        // Clamped to 0...100 years before converting: any finite JSON number arrives here, and
        // Int64(hours * 3.6e12) traps once hours passes about 2.5 million. 100 years means "all".
        let all = 24.0 * 365 * 100
        let hours = min(max(sinceHours ?? all, 0), all)
        let since = WallClock.nanoseconds() - Int64(hours * 3_600_000_000_000)
        let log: [QueryRecord]
        do { log = try store.read { try $0.queryLog(sinceNs: max(0, since)) }.map(QueryRecord.init) } catch { throw ServiceError.from(error) }
        let priced = pipelines.ask.stages(as: (any PricedStage).self).first
        return Self.summarize(log, priced: priced.map { ($0.plan.id, $0.stage.typicalCost) })
    }

    static func summarize(_ log: [QueryRecord], priced: (id: String, typicalCost: Double)?) -> JSON {
        var o = JSONObject()
        o["questions"] = .int(Int64(log.count))
        var routes: [String: Int] = [:]
        for q in log { routes[q.entry.route, default: 0] += 1 }
        o["routes"] = .object(JSONObject(routes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { ($0.key, .int(Int64($0.value))) }))
        let accepted = log.filter(\.entry.accepted).count
        o["accepted"] = .int(Int64(accepted))
        o["not_accepted"] = .int(Int64(log.count - accepted))
        let escalated = log.filter(\.escalated).count
        o["escalation_rate"] = .double(log.isEmpty ? 0 : Decimals.rounded(Double(escalated) / Double(log.count), places: 4))
        let lat = log.map(\.entry.totalMs).sorted()
        func pct(_ p: Double) -> Double { lat.isEmpty ? 0 : lat[min(lat.count - 1, Int(p * Double(lat.count)))] }
        o["latency_ms"] = .object(JSONObject([("p50", .double(Decimals.rounded(pct(0.5), places: 4))),
                                              ("p90", .double(Decimals.rounded(pct(0.9), places: 4))),
                                              ("p99", .double(Decimals.rounded(pct(0.99), places: 4))),
                                              ("max", .double(Decimals.rounded(lat.last ?? 0, places: 4)))]))
        let cost = log.reduce(0) { $0 + $1.entry.cost }
        o["tokens_in"] = .int(Int64(log.reduce(0) { $0 + $1.entry.tokensIn }))
        o["tokens_out"] = .int(Int64(log.reduce(0) { $0 + $1.entry.tokensOut }))
        o["cost"] = .double(Decimals.rounded(cost, places: 6))
        // What the priced model would have cost for every question: its mean observed call, or,
        // before any, the stage's own estimate from its prices.
        if let priced {
            let calls = log.compactMap { q in q.stages.first { $0.id == priced.id && $0.status == .ran }?.cost }
            let perCall = calls.isEmpty ? priced.typicalCost : calls.reduce(0, +) / Double(calls.count)
            let allFrontier = perCall * Double(log.count)
            o["all_frontier_cost"] = .double(Decimals.rounded(allFrontier, places: 6))
            o["saved"] = .double(Decimals.rounded(allFrontier - cost, places: 6))
        }
        return .object(o)
    }
}
