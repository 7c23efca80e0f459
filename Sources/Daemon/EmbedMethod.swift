// The `embed` wire method: sentence embeddings of the given texts from the daemon's embedding
// model (the one ingest and search use), for clients and `nerve embed`. EMODEL when the daemon
// has no usable model.
import JSON
import Service
import Wire

extension Dispatcher {
    func embed(_ params: Params) throws -> JSON {
        try params.allowOnly(["texts"])
        guard let texts = try params.optionalStrings("texts") else {
            throw WireError.failure(.EPARAMS, "embed: missing parameter 'texts'", JSONObject([("param", .string("texts"))]))
        }
        guard texts.count <= Engine.maxEmbedTexts else {
            throw WireError.failure(.ETOOBIG, "embed: \(texts.count) texts; the limit is \(Engine.maxEmbedTexts) per request")
        }
        if stopping.isSet { throw WireError.failure(.ESHUTDOWN, "nerved is shutting down") }
        return try asks.run { try engine.embed(texts) }
    }
}
