// The Frontier module's one error type: why a call to a frontier model endpoint did not produce
// an answer. The answer.frontier stage turns any of these into "keep the best lower-route answer".
import JSON
public enum FrontierError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The environment variable that should hold the API key is unset or empty.
    case missingKey(variable: String)
    /// The endpoint answered with an HTTP error status (and perhaps a Retry-After in seconds).
    case http(status: Int, body: String, retryAfterSeconds: Int?)
    /// No complete answer within the deadline (total, or idle between streamed chunks).
    case timeout(afterMs: Int, what: String)
    /// The call would exceed a budget; nothing was sent.
    case budgetExceeded(kind: String, limit: Double, needed: Double)
    /// The response was not the JSON (or event stream) the API promises.
    case malformedResponse(reason: String)
    /// The connection failed (refused, DNS, TLS...).
    case transport(reason: String)
    /// Every attempt failed with a retryable error; the last one is kept.
    case retriesExhausted(attempts: Int, last: String)
    /// The endpoint URL is not usable.
    case badEndpoint(String)

    public var description: String {
        switch self {
        case let .missingKey(v): return "the API key variable \(v) is not set"
        case let .http(status, body, _): return "HTTP \(status): \(body.prefix(300))"
        case let .timeout(ms, what): return "\(what) timed out after \(ms) ms"
        case let .budgetExceeded(kind, limit, needed):
            return "\(kind) budget of $\(Decimals.fixed(limit, places: 4)) would be exceeded (needs up to $\(Decimals.fixed(needed, places: 4))); not sent"
        case let .malformedResponse(reason): return "malformed response: \(reason)"
        case let .transport(reason): return "connection failed: \(reason)"
        case let .retriesExhausted(n, last): return "gave up after \(n) attempts; last error: \(last)"
        case let .badEndpoint(s): return "bad endpoint URL '\(s)'"
        }
    }

    /// 429 and 5xx are worth retrying; 4xx (bad key, bad request) are not.
    var isRetryable: Bool {
        switch self {
        case let .http(status, _, _): return status == 429 || status == 408 || status >= 500
        case .transport, .timeout, .malformedResponse: return true
        default: return false
        }
    }
}
