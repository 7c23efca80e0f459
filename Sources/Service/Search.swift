// Searching: the ranked passages the ask pipeline's retrieval stages find for a query — the
// stage that feeds the first answering stage's `hits` — with the same citations as answers, under
// the same access rules, from one read snapshot whose generation the reply reports.
import Index
import JSON
import Pipeline
import Stages

extension Engine {
    /// Most passages one search returns.
    public static let maxSearchResults = 100

    /// The best `top` passages for `query`, only from files under `pathPrefix` when given.
    /// - Throws: `ServiceError.noIndex` when nothing is indexed, `.pipeline` when the ask
    ///   pipeline has no retrieval feeding an answering stage, `.internalError` when retrieval failed.
    public func search(_ query: String, top: Int, pathPrefix: String?, asker: Asker?) throws -> JSON {
        let set = pipelines
        guard let (source, output) = Self.retrieval(set.ask.plan) else {
            throw ServiceError.pipeline(diagnostics: [], message: "the ask pipeline has no search stage feeding an answering stage's hits")
        }
        let prefix = pathPrefix.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        let (generation, result): (Int64, RunResult)
        do {
            (generation, result) = try store.snapshot { reader in
                guard try reader.chunkCount() > 0 else {
                    throw ServiceError.noIndex(reason: "the index is empty; run `nerve ingest DIR` first")
                }
                let context = AskContext(question: query, viewer: asker?.viewer, snapshot: reader, emit: { _, _ in })
                return (try reader.generation(), Executor.run(set.ask, context: context, only: [source]))
            }
        } catch { throw ServiceError.from(error) }
        let id = set.ask.plan.stages[source].id
        guard let hits = result.outputs[id]?.value(output, Ports.hits) else {
            let why = result.reports.filter { $0.status != .ran }.map { "\($0.id): \($0.note ?? $0.status.rawValue)" }
            throw ServiceError.internalError(reason: "search found nothing to rank: " + (why.isEmpty ? "no hits" : why.joined(separator: "; ")))
        }
        var passages: [JSON] = []
        for h in hits {
            var hit = h
            if let prefix {
                hit.documents = h.documents.filter { $0.path.hasPrefix(prefix) || $0.path + "/" == prefix }
                if hit.documents.isEmpty { continue }
            }
            passages.append(.object(JSONObject([
                ("rank", .int(Int64(passages.count + 1))), ("text", .string(hit.text)),
                ("score", .double(Decimals.rounded(hit.score, places: 6))), ("citation", Citation.from(hit).json()),
            ])))
            if passages.count == top { break }
        }
        return .object(JSONObject([("query", .string(query)), ("generation", .int(generation)), ("passages", .array(passages))]))
    }

    /// Every ranked list the ask pipeline's retrieval produces for `query`, by stage id — each
    /// search and the fusion that feeds the answering stages (benchmarks compare them).
    public func retrievalLists(_ query: String, asker: Asker? = nil) throws -> [String: [Hit]] {
        let set = pipelines
        guard let (source, _) = Self.retrieval(set.ask.plan) else {
            throw ServiceError.pipeline(diagnostics: [], message: "the ask pipeline has no search stage feeding an answering stage's hits")
        }
        do {
            let result = try store.snapshot { reader in
                Executor.run(set.ask, context: AskContext(question: query, viewer: asker?.viewer, snapshot: reader, emit: { _, _ in }),
                             only: [source])
            }
            var out: [String: [Hit]] = [:]
            for (id, o) in result.outputs { if let hits = o.first(Ports.hits) { out[id] = hits } }
            return out
        } catch { throw ServiceError.from(error) }
    }

    /// The (stage index, output) whose hits the first answering stage reads.
    static func retrieval(_ plan: PipelinePlan) -> (Int, String)? {
        for s in plan.stages where s.kind.role == .answering {
            guard let spec = s.kind.inputs.first(where: { $0.type == Ports.hits.type }),
                  let source = s.wiring[spec.name]?.first else { continue }
            return (source.stage, source.output)
        }
        return nil
    }
}
