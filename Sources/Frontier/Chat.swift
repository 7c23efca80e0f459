// What a frontier call takes and returns: messages in, text plus token counts and cost out, and
// the per-endpoint settings declared in the pipeline file (provider, model, key variable, prices).

public struct ChatMessage: Sendable, Equatable {
    public enum Role: String, Sendable { case system, user, assistant }
    public var role: Role
    public var content: String
    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

public struct Completion: Sendable, Equatable {
    public var text: String
    public var tokensIn: Int
    public var tokensOut: Int
    /// US dollars, from the declared prices.
    public var cost: Double
    public var model: String
    public var finishReason: String?
    public var attempts: Int
}

public struct FrontierSettings: Sendable, Equatable {
    public enum Provider: String, Sendable, CaseIterable { case openai, anthropic }

    public var provider: Provider
    /// Base URL, e.g. https://api.openai.com/v1 or http://127.0.0.1:8080/v1 (llama.cpp server).
    public var endpoint: String
    public var model: String
    /// The environment variable holding the key; empty means no key (local servers).
    public var keyVariable: String
    /// Prices in dollars per million tokens.
    public var pricePerMillionIn: Double
    public var pricePerMillionOut: Double
    public var maxTokens: Int
    public var temperature: Double
    public var timeoutMs: Int
    /// Longest silence between streamed chunks.
    public var idleTimeoutMs: Int
    public var maxAttempts: Int
    /// First backoff delay; doubled per attempt (or Retry-After when the server says).
    public var backoffMs: Int
    public var stream: Bool

    public init(provider: Provider, endpoint: String, model: String, keyVariable: String = "", pricePerMillionIn: Double = 0,
                pricePerMillionOut: Double = 0, maxTokens: Int = 512, temperature: Double = 0, timeoutMs: Int = 60_000,
                idleTimeoutMs: Int = 20_000, maxAttempts: Int = 3, backoffMs: Int = 500, stream: Bool = true) {
        self.provider = provider
        self.endpoint = endpoint
        self.model = model
        self.keyVariable = keyVariable
        self.pricePerMillionIn = pricePerMillionIn
        self.pricePerMillionOut = pricePerMillionOut
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.timeoutMs = timeoutMs
        self.idleTimeoutMs = idleTimeoutMs
        self.maxAttempts = maxAttempts
        self.backoffMs = backoffMs
        self.stream = stream
    }

    public func cost(tokensIn: Int, tokensOut: Int) -> Double {
        (Double(tokensIn) * pricePerMillionIn + Double(tokensOut) * pricePerMillionOut) / 1_000_000
    }

    /// A rough token count for budgeting before the call (about 4 characters per token).
    public static func estimateTokens(_ text: String) -> Int { max(1, text.utf8.count / 4) }
}
