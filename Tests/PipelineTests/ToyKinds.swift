// Toy stage kinds that exercise the pipeline engine without indexes or models: a source of
// numbers, adders, a doubler, and an answerer whose confidence is its input.
import Config
import JSON
import Pipeline

struct Number: ConfidenceCarrying { let confidence: Double }

final class ToyContext: RunContext, @unchecked Sendable {
    var values: [String: any Sendable] = [:]
    var events: [String] = []
    func value(_ key: String) -> (any Sendable)? { values[key] }
    func emit(_ event: String, _ payload: JSONObject) { events.append(event) }
    func callExternal(socket: String, request: JSONObject) throws -> JSON { .object(JSONObject()) }
}

struct Fail: Error, CustomStringConvertible { var description: String { "toy failure" } }

struct Closure: Stage {
    let body: @Sendable (StageInputs, RunContext) throws -> StageOutputs
    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs { try body(inputs, context) }
}

enum Toy {
    static let num = PortType("number")
    static let answer = PortType("answer")
    static let text = PortType("text")

    static func registry() -> Registry {
        let r = Registry()
        r.register(StageKind(name: "start", summary: "emits the request's number", pipelines: ["ask"], role: .source,
                             outputs: [OutputSpec("value", num)], make: { _ in
            Closure { _, ctx in ["value": (ctx.value("n") as? Double) ?? 0] }
        }))
        r.register(StageKind(name: "add", summary: "adds 'amount' to every input", pipelines: ["ask"], role: .transform,
                             parameters: [ParameterSpec("amount", .float(-100...100), default: .float(1), "what to add"),
                                          ParameterSpec("mode", .choice(["sum", "max"]), default: .string("sum"), "how inputs combine")],
                             inputs: [InputSpec("x", num, many: true)], outputs: [OutputSpec("value", num)], make: { cfg in
            let amount = cfg.double("amount")
            return Closure { inputs, _ in ["value": inputs.all("x", as: Double.self).reduce(0, +) + amount] }
        }))
        r.register(StageKind(name: "fail", summary: "always fails", pipelines: ["ask"], role: .transform,
                             inputs: [InputSpec("x", num)], outputs: [OutputSpec("value", num)], make: { _ in
            Closure { _, _ in throw Fail() }
        }))
        r.register(StageKind(name: "answer", summary: "answers with confidence = input", pipelines: ["ask"], role: .answering,
                             parameters: [ParameterSpec("label", .string, default: .string(""), "a name")],
                             inputs: [InputSpec("x", num), InputSpec("previous", answer, optional: true)],
                             outputs: [OutputSpec("answer", answer)], make: { _ in
            Closure { inputs, ctx in
                (ctx as? ToyContext)?.events.append("ran")
                return ["answer": Number(confidence: inputs.one("x", as: Double.self) ?? 0)]
            }
        }))
        r.register(StageKind(name: "words", summary: "a text source for ingest", pipelines: ["ingest"], role: .source,
                             outputs: [OutputSpec("text", text)], make: { _ in Closure { _, _ in ["text": "w"] } }))
        return r
    }

    static func link(_ text: String, file: String = "ask.toml") throws -> LinkedPipeline {
        try PipelineLoader.link(bytes: Array(text.utf8), path: file, role: "ask", registry: registry())
    }

    /// The diagnostics of a file that must fail.
    static func diagnostics(_ text: String, file: String = "ask.toml") -> [Diagnostic] {
        do {
            _ = try link(text, file: file)
            return []
        } catch let e as PipelineError {
            return e.diagnostics
        } catch {
            return [Diagnostic(.error, file: file, at: nil, "\(error)")]
        }
    }
}
