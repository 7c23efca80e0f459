// Renders a conversation in each chat-template family, following the plain-message path of the
// families' Jinja templates (no tools, documents or images).
import Foundation

extension ChatTemplate {
    /// The prompt text for `messages`; with `addGenerationPrompt` it ends where the assistant's
    /// reply begins. Encode it with `parseSpecial: true` so the role markers become their ids.
    /// - Throws: `TokenizerError.unsupportedRole` (e.g. "tool"), `.roleOrder` (Mistral v1 needs
    ///   alternating user/assistant turns).
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true,
                       options: ChatRenderOptions = ChatRenderOptions()) throws -> String {
        for m in messages where !["system", "user", "assistant"].contains(m.role) {
            throw TokenizerError.unsupportedRole(role: m.role, template: family.rawValue)
        }
        let bos = options.includeBOS ? bosText : ""
        switch family {
        case .chatml: return renderChatML(messages, addGenerationPrompt, options)
        case .llama3: return bos + renderLlama3(messages, addGenerationPrompt, options)
        case .granite: return renderGranite(messages, addGenerationPrompt, options)
        case .tulu: return bos + renderTulu(messages, addGenerationPrompt)
        case .mistral: return bos + (try renderMistral(messages, options))
        }
    }

    private func renderChatML(_ messages: [ChatMessage], _ gen: Bool, _ o: ChatRenderOptions) -> String {
        var s = ""
        if let d = defaultSystemPrompt, messages.first?.role != "system" {
            s += "<|im_start|>system\n\(d)<|im_end|>\n"
        }
        // Qwen3 shows the reasoning of an assistant turn only after the last user message.
        let lastUser = messages.lastIndex { $0.role == "user" } ?? -1
        for (i, m) in messages.enumerated() {
            if thinking && m.role == "assistant" {
                let (reasoning, answer) = Self.splitThinking(m.content)
                if i > lastUser && i == messages.count - 1 {
                    s += "<|im_start|>assistant\n<think>\n\(reasoning)\n</think>\n\n\(answer)<|im_end|>\n"
                } else {
                    s += "<|im_start|>assistant\n\(answer)<|im_end|>\n"
                }
            } else {
                s += "<|im_start|>\(m.role)\n\(m.content)<|im_end|>\n"
            }
        }
        if gen {
            s += "<|im_start|>assistant\n"
            if thinking && o.enableThinking == false { s += "<think>\n\n</think>\n\n" }
        }
        return s
    }

    /// Qwen3's split of "<think>r</think>a": r without surrounding newlines, a without leading ones.
    static func splitThinking(_ content: String) -> (String, String) {
        guard let close = content.range(of: "</think>") else { return ("", content) }
        var reasoning = Substring(content[..<close.lowerBound])
        if let open = reasoning.range(of: "<think>") { reasoning = reasoning[open.upperBound...] }
        let answer = content[close.upperBound...].drop { $0 == "\n" }
        return (String(reasoning).trimmingCharacters(in: CharacterSet(charactersIn: "\n")), String(answer))
    }

    private func renderLlama3(_ messages: [ChatMessage], _ gen: Bool, _ o: ChatRenderOptions) -> String {
        func turn(_ role: String, _ text: String) -> String {
            "<|start_header_id|>\(role)<|end_header_id|>\n\n\(text)<|eot_id|>"
        }
        var s = ""
        var rest = messages[...]
        if knowledgeDateHeader {
            // Llama 3.1+: a system turn always comes first, dated.
            var system = ""
            if let first = rest.first, first.role == "system" {
                system = Self.trim(first.content)
                rest = rest.dropFirst()
            }
            let date = dateText(o)
            s += turn("system", "Cutting Knowledge Date: December 2023\nToday Date: \(date)\n\n\(system)")
        }
        for m in rest { s += turn(m.role, Self.trim(m.content)) }
        if gen { s += "<|start_header_id|>assistant<|end_header_id|>\n\n" }
        return s
    }

    private func renderGranite(_ messages: [ChatMessage], _ gen: Bool, _ o: ChatRenderOptions) -> String {
        var s = ""
        var rest = messages[...]
        if let first = rest.first, first.role == "system" {
            s += "<|start_of_role|>system<|end_of_role|>\(first.content)<|end_of_text|>\n"
            rest = rest.dropFirst()
        } else if let d = defaultSystemPrompt {
            s += "<|start_of_role|>system<|end_of_role|>\(d.replacingOccurrences(of: "{date}", with: dateText(o)))<|end_of_text|>\n"
        }
        for m in rest { s += "<|start_of_role|>\(m.role)<|end_of_role|>\(m.content)<|end_of_text|>\n" }
        if gen && !rest.isEmpty { s += "<|start_of_role|>assistant<|end_of_role|>" }
        return s
    }

    private func renderTulu(_ messages: [ChatMessage], _ gen: Bool) -> String {
        var s = ""
        for (i, m) in messages.enumerated() {
            let last = i == messages.count - 1
            switch m.role {
            case "system": s += "<|system|>\n\(m.content)\n"
            case "user": s += "<|user|>\n\(m.content)\n"
            default: s += "<|assistant|>\n\(m.content)\(eosText)" + (last ? "" : "\n")
            }
            if last && gen { s += "<|assistant|>\n" }
        }
        return s
    }

    private func renderMistral(_ messages: [ChatMessage], _ o: ChatRenderOptions) throws -> String {
        var s = ""
        switch mistralVariant {
        case .v1:
            for (i, m) in messages.enumerated() {
                if (m.role == "user") != (i % 2 == 0) {
                    throw TokenizerError.roleOrder(index: i, role: m.role, template: "mistral-v1")
                }
                s += m.role == "user" ? "[INST] \(m.content) [/INST]" : m.content + eosText
            }
        case .v3Tekken:
            var rest = messages[...]
            var system: String?
            if let first = rest.first, first.role == "system" { system = first.content; rest = rest.dropFirst() }
            let lastUser = rest.lastIndex { $0.role == "user" }
            for (i, m) in zip(rest.indices, rest) {
                if m.role == "user" {
                    if let system, i == lastUser { s += "[INST]\(system)\n\n\(m.content)[/INST]" }
                    else { s += "[INST]\(m.content)[/INST]" }
                } else if m.role == "assistant" {
                    s += m.content + eosText
                } else {
                    throw TokenizerError.unsupportedRole(role: m.role, template: "mistral-v3-tekken")
                }
            }
        case .v7Tekken:
            if let d = defaultSystemPrompt, messages.first?.role != "system" {
                s += "[SYSTEM_PROMPT]\(d.replacingOccurrences(of: "{date}", with: dateText(o)))[/SYSTEM_PROMPT]"
            }
            for m in messages {
                switch m.role {
                case "system": s += "[SYSTEM_PROMPT]\(m.content)[/SYSTEM_PROMPT]"
                case "user": s += "[INST]\(m.content)[/INST]"
                default: s += m.content + eosText
                }
            }
        }
        return s
    }

    /// Jinja's `trim`: strips whitespace at both ends.
    static func trim(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// The date as this template prints it.
    func dateText(_ o: ChatRenderOptions) -> String {
        if let fixedDate { return fixedDate }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = dateFormat
        return f.string(from: o.date ?? Date())
    }
}
