// answer.frontier: the last resort — an OpenAI-compatible or Anthropic endpoint declared in the
// pipeline, given the question, the passages and what earlier stages found. Budgets are checked
// before sending (per query, and per day against the query log); any failure leaves the best
// lower-route answer standing, flagged, because the executor keeps it. Without its API key the
// stage stands aside with a note saying how to switch it on.
import Config
import Corpus
import Frontier
import Index
import Pipeline
import Posix

enum FrontierKind {
    static let kind = Kind(
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
            inputs: [InputSpec("question", Ports.text), InputSpec("hits", Ports.hits, optional: true),
                     InputSpec("previous", Ports.answer, .many, optional: true)],
            outputs: [OutputSpec("answer", Ports.answer)],
            check: { plan in
                plan.double("budget_per_query") <= plan.double("budget_per_day") ? []
                    : ["'budget_per_query' ($\(plan.double("budget_per_query"))) is more than 'budget_per_day' ($\(plan.double("budget_per_day")))"]
            },
            bind: { cfg, res in
                let settings = FrontierSettings(
                    provider: FrontierSettings.Provider(rawValue: cfg.string("provider")) ?? .openai, endpoint: cfg.string("endpoint"),
                    model: cfg.string("model"), keyVariable: cfg.string("key_env"), pricePerMillionIn: cfg.double("price_in"),
                    pricePerMillionOut: cfg.double("price_out"), maxTokens: cfg.int("max_tokens"), temperature: cfg.double("temperature"),
                    timeoutMs: cfg.int("timeout_ms"), idleTimeoutMs: cfg.int("idle_timeout_ms"), maxAttempts: cfg.int("attempts"),
                    stream: cfg.bool("stream"))
                return FrontierStage(id: cfg.id, client: FrontierClient(settings: settings), ledger: res.spend, passages: cfg.int("passages"),
                                     perQuery: cfg.double("budget_per_query"), perDay: cfg.double("budget_per_day"),
                                     confidence: cfg.double("confidence"))
            })
}

/// Declared prices of a model stage, so the daemon can say what sending every question to it
/// would cost.
public protocol PricedStage: Stage {
    /// Dollars one typical question costs at the declared prices (prompt with the stage's
    /// passages, a short answer).
    var typicalCost: Double { get }
    /// The model name the stage sends requests for.
    var model: String { get }
    /// Declared dollars per million input and output tokens.
    var pricePerMillionIn: Double { get }
    var pricePerMillionOut: Double { get }
}

struct FrontierStage: PricedStage {
    let id: String
    let client: FrontierClient
    let ledger: SpendLedger
    let passages: Int
    let perQuery: Double
    let perDay: Double
    let confidence: Double

    var typicalCost: Double {
        // ~300 tokens per passage plus the question and instructions in; ~150 tokens out.
        client.settings.cost(tokensIn: passages * 300 + 150, tokensOut: 150)
    }

    var model: String { client.settings.model }
    var pricePerMillionIn: Double { client.settings.pricePerMillionIn }
    var pricePerMillionOut: Double { client.settings.pricePerMillionOut }

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        // A declared frontier without its key is a route not switched on, not a broken one.
        let variable = client.settings.keyVariable
        if !variable.isEmpty, (Identity.environment(variable) ?? "").isEmpty {
            throw PipelineError.skipped(stage: id, reason: "no API key: set \(variable) in nerved's environment (then restart nerved) "
                                            + "to escalate unsure questions to \(client.settings.model)")
        }
        let question = try inputs.one("question", Ports.text)
        let hits = try inputs.optional("hits", Ports.hits) ?? []
        let previous = try inputs.all("previous", Ports.answer).map { ("earlier stage", $0.value) }
        let messages = [ChatMessage(.system, EvidencePrompt.system),
                        ChatMessage(.user, EvidencePrompt.user(question: question, hits: hits, previous: previous, maxPassages: passages))]
        // The worst case is reserved before sending, against the day's spend and every other
        // call in flight, so concurrent questions cannot overshoot the daily budget together.
        let worst = client.worstCaseCost(messages)
        guard worst <= perQuery else { throw FrontierError.budgetExceeded(kind: "per-query", limit: perQuery, needed: worst) }
        let reservation = try ledger.reserve(worst, dailyLimit: perDay)
        let stageID = id
        let c: Completion
        do {
            c = try client.complete(messages, maxCost: worst) { token in
                context.emit("answer.token", ["stage": .string(stageID), "text": .string(token)])
            }
        } catch {
            ledger.settle(reservation, cost: 0)
            throw error
        }
        ledger.settle(reservation, cost: c.cost)
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
        return StageOutputs("answer", Ports.answer, a)
    }
}
