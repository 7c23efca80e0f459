// The bridge from answer.generate's LocalModel protocol to Nerve's own inference engine
// (the Generate module): loads a GGUF once, renders the chat with the model's template,
// generates, and reports the token statistics the confidence gate reads.
import Generate

public enum EngineModel {
    public static let load: ModelCache.Loader = { path, _, _ in
        throw StagesError.model(reason: "\(path): this build has no local inference engine")
    }
}
