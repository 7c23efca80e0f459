// The `embed` wire method: sentence embeddings of the given texts from the daemon's embedding
// model (the one ingest and search use), for clients and `nerve embed`. EMODEL when the daemon
// has no usable model.
import JSON
import Stages
import Wire

extension Dispatcher {
    /// Most texts one request may embed (a larger batch belongs to a local `nerve embed --model`).
    static let maxEmbedTexts = 1024

    func embed(_ params: Params) throws -> JSON {
        try params.allowOnly(["texts"])
        guard let texts = try params.optionalStrings("texts") else {
            throw WireError.failure(.EPARAMS, "embed: missing parameter 'texts'", JSONObject([("param", .string("texts"))]))
        }
        guard texts.count <= Self.maxEmbedTexts else {
            throw WireError.failure(.ETOOBIG, "embed: \(texts.count) texts; the limit is \(Self.maxEmbedTexts) per request")
        }
        guard let model = env.embedding else {
            throw WireError.failure(.EMODEL, "embed: no embedding model is configured (embedding_model in etc/nerved.toml)")
        }
        if stopping.isSet { throw WireError.failure(.ESHUTDOWN, "nerved is shutting down") }
        let vectors = try asks.run { try model.embed(texts) }
        return .object(JSONObject([
            ("model", .string(model.name)),
            ("dimension", .int(Int64(vectors.first?.count ?? 0))),
            // Each Float printed in its shortest round-trip form (Double(Float) would add noise digits).
            ("embeddings", .array(vectors.map { v in .array(v.map { .double(Double("\($0)") ?? Double($0)) }) })),
        ]))
    }
}
