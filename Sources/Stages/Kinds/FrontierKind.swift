// answer.frontier: the last resort — an OpenAI-compatible or Anthropic endpoint declared in the
// pipeline, given the question, the passages and what earlier stages found. Budgets are checked
// before sending (per query, and per day against the query log); any failure leaves the best
// lower-route answer standing, flagged, because the executor keeps it.
import Config
import Corpus
import Frontier
import Index
import Pipeline
import Posix

enum FrontierKind {
    static func kind(_ env: StageEnvironment) -> StageKind {
        StageKind(
            name: "answer.frontier", summary: "a frontier model behind an OpenAI-compatible or Anthropic API",
            pipelines: ["ask"], role: .answering,
            parameters: [
                ParameterSpec("provider", .choice(FrontierSettings.Provider.allCases.map(\.rawValue)), default: .string("openai"), "API shape"),
                ParameterSpec("endpoint", .string, default: .string("https://api.openai.com/v1"), "base URL (…/v1)"),
                ParameterSpec("model", .string, default: nil, "model name the endpoint knows"),
                ParameterSpec("key_env", .string, default: .string(""), "environment variable holding the API key (empty: none)"),
                ParameterSpec("price_in", .float(0...10_000), default: .float(0), "dollars per million input tokens"),
                ParameterSpec("price_out", .float(0...10_000), default: .float(0), "dollars per million output tokens"),
                ParameterSpec("max_tokens", .integer(1...32_768), default: .integer(400), "answer length cap"),
                ParameterSpec("temperature", .float(0...2), default: .float(0), "sampling temperature"),
                ParameterSpec("timeout_ms", .integer(100...600_000), default: .integer(60_000), "total deadline per attempt"),
                ParameterSpec("idle_timeout_ms", .integer(100...600_000), default: .integer(20_000), "longest silence while streaming"),
                ParameterSpec("attempts", .integer(1...10), default: .integer(3), "tries on 429/5xx/connection errors"),
                ParameterSpec("stream", .boolean, default: .boolean(true), "stream tokens to the asker"),
                ParameterSpec("passages", .integer(1...20), default: .integer(6), "passages sent with the question"),
                ParameterSpec("budget_per_query", .float(0...1000), default: .float(0.05), "dollars one question may cost"),
                ParameterSpec("budget_per_day", .float(0...100_000), default: .float(5), "dollars per UTC day across all questions"),
                ParameterSpec("confidence", .float(0...1), default: .float(0.9), "confidence given to a cited frontier answer"),
            ],
            inputs: [InputSpec("question", Port.text), InputSpec("hits", Port.hits, optional: true),
                     InputSpec("previous", Port.answer, many: true, optional: true)],
            outputs: [OutputSpec("answer", Port.answer)],
            make: { cfg in
                let settings = FrontierSettings(
                    provider: FrontierSettings.Provider(rawValue: cfg.string("provider")) ?? .openai, endpoint: cfg.string("endpoint"),
                    model: cfg.string("model"), keyVariable: cfg.string("key_env"), pricePerMillionIn: cfg.double("price_in"),
                    pricePerMillionOut: cfg.double("price_out"), maxTokens: cfg.int("max_tokens"), temperature: cfg.double("temperature"),
                    timeoutMs: cfg.int("timeout_ms"), idleTimeoutMs: cfg.int("idle_timeout_ms"), maxAttempts: cfg.int("attempts"),
                    stream: cfg.bool("stream"))
                return FrontierStage(env: env, id: cfg.id, client: FrontierClient(settings: settings), passages: cfg.int("passages"),
                                     perQuery: cfg.double("budget_per_query"), perDay: cfg.double("budget_per_day"),
                                     confidence: cfg.double("confidence"))
            })
    }
}

struct FrontierStage: Stage {
    let env: StageEnvironment
    let id: String
    let client: FrontierClient
    let passages: Int
    let perQuery: Double
    let perDay: Double
    let confidence: Double

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        let question = inputs.one("question", as: String.self) ?? ""
        let hits = inputs.one("hits", as: [Hit].self) ?? []
        let previous = inputs.all("previous", as: Answer.self).map { ("earlier stage", $0) }
        let dayStart = WallClock.nanoseconds() / 86_400_000_000_000 * 86_400_000_000_000
        let spent = try env.index.read { try $0.spend(sinceNs: dayStart) }
        let remaining = min(perQuery, perDay - spent)
        guard remaining > 0 else {
            throw FrontierError.budgetExceeded(kind: "daily", limit: perDay, needed: spent)
        }
        let messages = [ChatMessage(.system, EvidencePrompt.system),
                        ChatMessage(.user, EvidencePrompt.user(question: question, hits: hits, previous: previous, maxPassages: passages))]
        let stageID = id
        let c = try client.complete(messages, maxCost: remaining) { token in
            context.emit("answer.token", ["stage": .string(stageID), "text": .string(token)])
        }
        let shown = Array(hits.prefix(passages))
        let cited = EvidencePrompt.citedNumbers(c.text).filter { $0 <= shown.count }
        let declined = EvidencePrompt.declined(c.text)
        // A frontier answer that cites our passages is trusted at the declared confidence; one
        // that cites nothing (or declines) is worth much less as a claim about the documents.
        let conf = declined ? 0.05 : cited.isEmpty ? confidence * 0.5 : confidence
        var a = Answer(text: c.text.trimmingCharacters(), confidence: conf,
                       citations: cited.map { Citation.from(shown[$0 - 1]) },
                       passages: hits.prefix(3).map { Passage(text: $0.text, score: $0.score, citation: Citation.from($0)) })
        a.tokensIn = c.tokensIn
        a.tokensOut = c.tokensOut
        a.cost = c.cost
        a.model = c.model
        return ["answer": a]
    }
}
