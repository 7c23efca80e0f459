// The two wire shapes we speak: OpenAI-compatible chat completions (OpenAI, vLLM, llama.cpp
// server, Ollama, OpenRouter) and Anthropic Messages. Each builds its request and reads the
// reply, whole or streamed, into text and token counts.
import JSON

struct ProviderRequest {
    var path: String
    var headers: [String: String]
    var body: JSON
}

/// What one streamed event adds: text, and usage when the event carries it.
struct StreamDelta {
    var text = ""
    var tokensIn: Int?
    var tokensOut: Int?
    var finish: String?
    var done = false
    var error: String?
}

enum Provider {
    static func request(_ s: FrontierSettings, messages: [ChatMessage], key: String?) -> ProviderRequest {
        switch s.provider {
        case .openai:
            var body = JSONObject([("model", .string(s.model)),
                                   ("messages", .array(messages.map { .object(JSONObject([("role", .string($0.role.rawValue)), ("content", .string($0.content))])) })),
                                   ("max_tokens", .int(Int64(s.maxTokens))), ("temperature", .double(s.temperature)), ("stream", .bool(s.stream))])
            if s.stream { body["stream_options"] = .object(JSONObject([("include_usage", true)])) }
            var headers = ["Content-Type": "application/json"]
            if let key { headers["Authorization"] = "Bearer \(key)" }
            return ProviderRequest(path: "/chat/completions", headers: headers, body: .object(body))
        case .anthropic:
            let system = messages.filter { $0.role == .system }.map(\.content).joined(separator: "\n\n")
            let turns = messages.filter { $0.role != .system }
            var body = JSONObject([("model", .string(s.model)), ("max_tokens", .int(Int64(s.maxTokens))),
                                   ("messages", .array(turns.map { .object(JSONObject([("role", .string($0.role.rawValue)), ("content", .string($0.content))])) })),
                                   ("temperature", .double(s.temperature)), ("stream", .bool(s.stream))])
            if !system.isEmpty { body["system"] = .string(system) }
            var headers = ["Content-Type": "application/json", "anthropic-version": "2023-06-01"]
            if let key { headers["x-api-key"] = key }
            return ProviderRequest(path: "/messages", headers: headers, body: .object(body))
        }
    }

    /// Reads a whole (non-streamed) reply.
    /// - Throws: `FrontierError.malformedResponse`.
    static func parse(_ s: FrontierSettings, _ body: [UInt8]) throws -> (text: String, tokensIn: Int?, tokensOut: Int?, finish: String?) {
        guard let j = try? JSON.parse(body) else {
            throw FrontierError.malformedResponse(reason: "not JSON: \(String(decoding: body.prefix(120), as: UTF8.self))")
        }
        switch s.provider {
        case .openai:
            guard let choice = j["choices"]?[0], let text = choice["message"]?["content"]?.stringValue else {
                throw FrontierError.malformedResponse(reason: "no choices[0].message.content")
            }
            return (text, j["usage"]?["prompt_tokens"]?.intValue, j["usage"]?["completion_tokens"]?.intValue, choice["finish_reason"]?.stringValue)
        case .anthropic:
            guard let blocks = j["content"]?.arrayValue else { throw FrontierError.malformedResponse(reason: "no content array") }
            let text = blocks.filter { $0["type"] == "text" }.compactMap { $0["text"]?.stringValue }.joined()
            return (text, j["usage"]?["input_tokens"]?.intValue, j["usage"]?["output_tokens"]?.intValue, j["stop_reason"]?.stringValue)
        }
    }

    /// Reads one streamed event.
    /// - Throws: `FrontierError.malformedResponse` for data that is not JSON.
    static func delta(_ s: FrontierSettings, _ e: ServerSentEvent) throws -> StreamDelta {
        var d = StreamDelta()
        if s.provider == .openai && e.data.trimmingCharacters(in: .init(" ")) == "[DONE]" {
            d.done = true
            return d
        }
        guard let j = try? JSON.parse(e.data) else {
            throw FrontierError.malformedResponse(reason: "stream event is not JSON: \(e.data.prefix(120))")
        }
        switch s.provider {
        case .openai:
            if let err = j["error"] { d.error = err["message"]?.stringValue ?? err.serialized() }
            if let c = j["choices"]?[0] {
                d.text = c["delta"]?["content"]?.stringValue ?? ""
                d.finish = c["finish_reason"]?.stringValue
            }
            d.tokensIn = j["usage"]?["prompt_tokens"]?.intValue
            d.tokensOut = j["usage"]?["completion_tokens"]?.intValue
        case .anthropic:
            switch e.event ?? j["type"]?.stringValue ?? "" {
            case "message_start": d.tokensIn = j["message"]?["usage"]?["input_tokens"]?.intValue
            case "content_block_delta": d.text = j["delta"]?["text"]?.stringValue ?? ""
            case "message_delta":
                d.tokensOut = j["usage"]?["output_tokens"]?.intValue
                d.finish = j["delta"]?["stop_reason"]?.stringValue
            case "message_stop": d.done = true
            case "error": d.error = j["error"]?["message"]?.stringValue ?? e.data
            default: break
            }
        }
        return d
    }
}

extension String {
    func trimmingCharacters(in c: Character) -> String { Substring(self).trimmingCharacters(in: c) }
}
