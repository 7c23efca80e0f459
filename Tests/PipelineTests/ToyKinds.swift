// Toy stage kinds that exercise the pipeline engine without indexes or models: a source of
// numbers, adders, a doubler, and an answerer whose confidence is its input.
import Config
import JSON
import Pipeline

struct Number: ConfidenceCarrying { let confidence: Double }

/// What toy kinds bind to: a label proving binding reached them.
struct ToyResources: Sendable { var label = "toy" }

enum ToyKeys {
    static let n = ContextKey<Double>("n")
}

final class ToyContext: RunContext, @unchecked Sendable {
    var n: Double?
    var events: [String] = []
    func value<V>(_ key: ContextKey<V>) -> V? { key.name == ToyKeys.n.name ? n as? V : nil }
    func emit(_ event: String, _ payload: JSONObject) { events.append(event) }
}

struct Fail: Error, CustomStringConvertible { var description: String { "toy failure" } }

struct Closure: Stage {
    let body: @Sendable (StageInputs, RunContext) throws -> StageOutputs
    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs { try body(inputs, context) }
}

enum Toy {
    static let num = Port<Double>("number")
    static let answer = Port<Number>("answer")
    static let text = Port<String>("text")

    /// The toy kinds; `features` are the calibrated features the answerer declares.
    static func registry(features: [String]? = nil) -> Registry<ToyResources> {
        let r = Registry<ToyResources>()
        r.register(StageKind(name: "start", summary: "emits the request's number", pipelines: ["ask"], role: .source,
                             outputs: [OutputSpec("value", num)], bind: { plan, _ in
            Closure { _, ctx in StageOutputs("value", num, try ctx.require(ToyKeys.n, for: plan.id)) }
        }))
        r.register(StageKind(name: "add", summary: "adds 'amount' to every input", pipelines: ["ask"], role: .transform,
                             parameters: [ParameterSpec("amount", .float(-100...100), default: .float(1), "what to add"),
                                          ParameterSpec("mode", .choice(["sum", "max"]), default: .string("sum"), "how inputs combine")],
                             inputs: [InputSpec("x", num, .many)], outputs: [OutputSpec("value", num)], bind: { plan, _ in
            let amount = plan.double("amount")
            return Closure { inputs, _ in StageOutputs("value", num, try inputs.all("x", num).map(\.value).reduce(0, +) + amount) }
        }))
        r.register(StageKind(name: "fail", summary: "always fails", pipelines: ["ask"], role: .transform,
                             inputs: [InputSpec("x", num)], outputs: [OutputSpec("value", num)], bind: { _, _ in
            Closure { _, _ in throw Fail() }
        }))
        r.register(StageKind(name: "liar", summary: "declares a number but produces text", pipelines: ["ask"], role: .transform,
                             inputs: [InputSpec("x", num)], outputs: [OutputSpec("value", num)], bind: { _, _ in
            Closure { _, _ in StageOutputs("value", text, "not a number") }
        }))
        r.register(StageKind(name: "answer", summary: "answers with confidence = input", pipelines: ["ask"], role: .answering,
                             parameters: [ParameterSpec("label", .string, default: .string(""), "a name")],
                             inputs: [InputSpec("x", num), InputSpec("previous", answer, optional: true)],
                             outputs: [OutputSpec("answer", answer)], features: features, bind: { _, _ in
            Closure { inputs, ctx in
                (ctx as? ToyContext)?.events.append("ran")
                return StageOutputs("answer", answer, Number(confidence: try inputs.one("x", num)))
            }
        }))
        r.register(StageKind(name: "words", summary: "a text source for ingest", pipelines: ["ingest"], role: .source,
                             outputs: [OutputSpec("text", text)], bind: { _, _ in Closure { _, _ in StageOutputs("text", text, "w") } }))
        return r
    }

    static func plan(_ text: String, file: String = "ask.toml") throws -> PipelinePlan {
        try PipelineLoader.plan(bytes: Array(text.utf8), path: file, role: "ask", catalog: registry().catalog)
    }

    static func link(_ text: String, file: String = "ask.toml") throws -> BoundPipeline {
        try Binder.bind(try plan(text, file: file), registry: registry(), resources: ToyResources())
    }

    /// The diagnostics of a file that must fail.
    static func diagnostics(_ text: String, file: String = "ask.toml") -> [Diagnostic] {
        do {
            _ = try plan(text, file: file)
            return []
        } catch let e as PipelineError {
            return e.diagnostics
        } catch {
            return [Diagnostic(.error, file: file, at: nil, "\(error)")]
        }
    }
}
