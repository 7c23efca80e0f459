// Calls a frontier model: budget check before sending, the provider's request, streaming or not,
// retries with exponential backoff (or Retry-After) on 429/5xx/transport errors, and the
// completion's tokens and cost from the declared prices.
import Foundation
import JSON
import Posix

public final class FrontierClient: Sendable {
    public let settings: FrontierSettings

    public init(settings: FrontierSettings) { self.settings = settings }

    /// Sends `messages`. `maxCost` caps the worst-case cost of this call (prompt estimate +
    /// max_tokens at the declared prices); `onToken` receives streamed text as it arrives.
    /// - Throws: `FrontierError` (`retriesExhausted` wraps the last retryable failure).
    public func complete(_ messages: [ChatMessage], maxCost: Double? = nil, onToken: @escaping @Sendable (String) -> Void = { _ in }) throws -> Completion {
        var key: String?
        if !settings.keyVariable.isEmpty {
            guard let k = Identity.environment(settings.keyVariable), !k.isEmpty else {
                throw FrontierError.missingKey(variable: settings.keyVariable)
            }
            key = k
        }
        let promptTokens = Self.promptTokens(messages)
        let worst = worstCaseCost(messages)
        if let maxCost, worst > maxCost {
            throw FrontierError.budgetExceeded(kind: "remaining", limit: maxCost, needed: worst)
        }
        let base = settings.endpoint.hasSuffix("/") ? String(settings.endpoint.dropLast()) : settings.endpoint
        let req = Provider.request(settings, messages: messages, key: key)
        guard let url = URL(string: base + req.path), url.scheme == "http" || url.scheme == "https" else {
            throw FrontierError.badEndpoint(settings.endpoint)
        }
        var body: [UInt8] = []
        req.body.write(into: &body)
        var last: FrontierError = .transport(reason: "not attempted")
        for attempt in 1...max(1, settings.maxAttempts) {
            do {
                var c = try once(url: url, headers: req.headers, body: body, promptTokens: promptTokens, onToken: onToken)
                c.attempts = attempt
                return c
            } catch let e as FrontierError {
                last = e
                guard e.isRetryable, attempt < settings.maxAttempts else { break }
                Threads.sleep(ms: delay(attempt: attempt, after: e))
            }
        }
        if settings.maxAttempts > 1 && last.isRetryable {
            throw FrontierError.retriesExhausted(attempts: settings.maxAttempts, last: last.description)
        }
        throw last
    }

    /// The most this call may cost: the prompt's estimated tokens and `max_tokens` of answer at
    /// the declared prices.
    public func worstCaseCost(_ messages: [ChatMessage]) -> Double {
        settings.cost(tokensIn: Self.promptTokens(messages), tokensOut: settings.maxTokens)
    }

    static func promptTokens(_ messages: [ChatMessage]) -> Int {
        messages.reduce(0) { $0 + FrontierSettings.estimateTokens($1.content) + 4 }
    }

    /// Exponential backoff, or what the server asked for with Retry-After (capped at 30 s).
    func delay(attempt: Int, after e: FrontierError) -> Int {
        if case let .http(_, _, retryAfter?) = e { return min(retryAfter * 1000, 30_000) }
        return min(settings.backoffMs << (attempt - 1), 30_000)
    }

    private func once(url: URL, headers: [String: String], body: [UInt8], promptTokens: Int,
                      onToken: @escaping @Sendable (String) -> Void) throws -> Completion {
        let s = settings
        if !s.stream {
            let r = try HTTPTransport.post(url, headers: headers, body: body, timeoutMs: s.timeoutMs, idleTimeoutMs: s.idleTimeoutMs)
            guard (200..<300).contains(r.status) else { throw Self.httpError(r) }
            let p = try Provider.parse(s, r.body)
            onToken(p.text)
            return finish(p.text, p.tokensIn ?? promptTokens, p.tokensOut ?? FrontierSettings.estimateTokens(p.text), p.finish)
        }
        let state = StreamState()
        let r = try HTTPTransport.post(url, headers: headers, body: body, timeoutMs: s.timeoutMs, idleTimeoutMs: s.idleTimeoutMs) { chunk in
            state.feed(chunk, s, onToken)
        }
        guard (200..<300).contains(r.status) else { throw Self.httpError(r) }
        let (text, tin, tout, fin, err, done) = state.result
        if let err { throw err }
        guard done || fin != nil else {
            throw FrontierError.malformedResponse(reason: "the stream ended without a final event")
        }
        return finish(text, tin ?? promptTokens, tout ?? FrontierSettings.estimateTokens(text), fin)
    }

    static func httpError(_ r: HTTPResponse) -> FrontierError {
        .http(status: r.status, body: String(decoding: r.body, as: UTF8.self), retryAfterSeconds: r.headers["retry-after"].flatMap { Int($0) })
    }

    private func finish(_ text: String, _ tin: Int, _ tout: Int, _ fin: String?) -> Completion {
        Completion(text: text, tokensIn: tin, tokensOut: tout, cost: settings.cost(tokensIn: tin, tokensOut: tout),
                   model: settings.model, finishReason: fin, attempts: 1)
    }
}

/// Accumulates a streamed reply across URLSession's delegate callbacks.
final class StreamState: @unchecked Sendable {
    private let lock = NSLock()
    private var parser = SSEParser()
    private var text = ""
    private var tokensIn: Int?
    private var tokensOut: Int?
    private var finish: String?
    private var error: FrontierError?
    private var done = false

    func feed(_ chunk: [UInt8], _ s: FrontierSettings, _ onToken: (String) -> Void) {
        var emitted: [String] = []
        lock.withLock {
            for e in parser.feed(chunk) {
                do {
                    let d = try Provider.delta(s, e)
                    if let m = d.error { error = .malformedResponse(reason: "stream error: \(m)") }
                    if !d.text.isEmpty { text += d.text; emitted.append(d.text) }
                    tokensIn = d.tokensIn ?? tokensIn
                    tokensOut = d.tokensOut ?? tokensOut
                    finish = d.finish ?? finish
                    done = done || d.done
                } catch let e as FrontierError {
                    error = e
                } catch {}
            }
        }
        for t in emitted { onToken(t) }
    }

    var result: (String, Int?, Int?, String?, FrontierError?, Bool) {
        lock.withLock { (text, tokensIn, tokensOut, finish, error, done) }
    }
}
