// Chat templates against jinja2 renderings of the real templates (Tests/Fixtures/tokenizer/
// chat_templates.json, made by scripts/reference/chat_templates.py): detection and exact text.
import Foundation
import GGUF
import TestSupport
import Testing
import Tokenizer

private struct TemplateFixture {
    let name: String
    let family: String?
    let bos: String
    let eos: String
    /// Where the real template lives ("llama.cpp:..." in the reference cache, "model:..." in
    /// models/); the sources are not committed, being other projects' code.
    let sourceFile: String?
    /// For templates known only from their documented format: the family to render with.
    let named: String?
    let enableThinking: Bool?
    let conversations: [(messages: [ChatMessage], generation: Bool, expected: String?)]

    /// The template text, or nil when its file is not on this machine.
    func source() throws -> String? {
        guard let ref = sourceFile else { return nil }
        if ref.hasPrefix("llama.cpp:") {
            guard let root = Paths.llamaCppSource else { return nil }
            let path = root + "/" + ref.dropFirst("llama.cpp:".count)
            if path.hasSuffix(".gguf") { return try GGUFTokenizer(file: try GGUFFile(path: path)).chatTemplateSource }
            return try String(contentsOfFile: path, encoding: .utf8)
        }
        let path = Paths.packageRoot + "/models/" + ref.dropFirst("model:".count)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try GGUFTokenizer(file: try GGUFFile(path: path)).chatTemplateSource
    }

    static func all() throws -> [TemplateFixture] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Paths.fixtures + "/tokenizer/chat_templates.json"))
        let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
        return list.map { t in
            let convs = (t["conversations"] as? [[String: Any]] ?? []).map { c in
                let messages = (c["messages"] as? [[String: String]] ?? []).map {
                    ChatMessage(role: $0["role"] ?? "", content: $0["content"] ?? "")
                }
                return (messages, c["add_generation_prompt"] as? Bool ?? false, c["expected"] as? String)
            }
            return TemplateFixture(name: t["name"] as? String ?? "", family: t["family"] as? String,
                                   bos: t["bos"] as? String ?? "", eos: t["eos"] as? String ?? "",
                                   sourceFile: t["source_file"] as? String, named: t["named"] as? String,
                                   enableThinking: t["enable_thinking"] as? Bool,
                                   conversations: convs)
        }
    }
}

@Suite struct ChatTemplateTests {
    /// 2025-04-02, the date the reference renderings were made with.
    static let date = Date(timeIntervalSince1970: 1_743_552_000)

    @Test func realTemplatesRenderLikeJinja() throws {
        let fixtures = try TemplateFixture.all()
        #expect(fixtures.count >= 12)
        var failures: [String] = []
        var skipped: [String] = []
        for f in fixtures {
            let source = try f.source()
            if f.named == nil && source == nil {
                skipped.append(f.name)
                continue
            }
            guard let family = f.family else {
                #expect(throws: TokenizerError.self) { try ChatTemplate(source: source ?? "") }
                print("chat template \(f.name): rejected as unknown (expected)")
                continue
            }
            var t = try source.map { try ChatTemplate(source: $0) } ?? ChatTemplate(named: f.named ?? family)
            #expect(t.family.rawValue == family, "\(f.name) detected as \(t.family)")
            t.bosText = f.bos
            t.eosText = f.eos
            let options = ChatRenderOptions(includeBOS: true, date: Self.date, enableThinking: f.enableThinking)
            var ok = 0
            for (i, c) in f.conversations.enumerated() {
                if let expected = c.expected {
                    let got = try? t.render(c.messages, addGenerationPrompt: c.generation, options: options)
                    if got == expected { ok += 1 } else {
                        failures.append("\(f.name) #\(i):\n  want \(expected.debugDescription)\n  got  \((got ?? "<error>").debugDescription)")
                    }
                } else {
                    // The Jinja template raised (e.g. Mixtral without a system role): we must throw too.
                    if (try? t.render(c.messages, addGenerationPrompt: c.generation, options: options)) == nil { ok += 1 }
                    else { failures.append("\(f.name) #\(i): the template raises, we rendered") }
                }
            }
            print("chat template \(f.name) (\(family)): \(ok)/\(f.conversations.count) match jinja2")
        }
        if !skipped.isEmpty {
            print("chat templates skipped (sources not fetched; run scripts/bench/build-llama-cpp --source-only): \(skipped.joined(separator: ", "))")
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func namedTemplates() throws {
        let chatml = try ChatTemplate(named: "chatml")
        #expect(try chatml.render([.user("Hi")]) == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        let llama = try ChatTemplate(named: "llama3")
        #expect(try llama.render([.user(" Hi ")], options: ChatRenderOptions(includeBOS: true))
                == "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
        #expect(throws: TokenizerError.unknownChatTemplateName("jinja", known: ChatTemplate.names)) {
            try ChatTemplate(named: "jinja")
        }
        #expect(throws: TokenizerError.unsupportedRole(role: "tool", template: "chatml")) {
            try chatml.render([ChatMessage(role: "tool", content: "{}")])
        }
    }

    @Test func unknownTemplateNamesItsStart() throws {
        do {
            _ = try ChatTemplate(source: "{% for m in messages %}<<{{ m.content }}>>{% endfor %}")
            Issue.record("expected an error")
        } catch let TokenizerError.unknownChatTemplate(excerpt) {
            #expect(excerpt.hasPrefix("{% for m in messages %}"))
        }
    }

    /// SmolLM2's own template, through its tokenizer, into ids llama.cpp would feed the model.
    @Test(.enabled(if: SmolLM2.available, "needs models/SmolLM2-135M-Instruct.Q4_1.gguf"))
    func smolLM2ChatPrompt() throws {
        let tok = try GGUFTokenizer(file: try GGUFFile(path: SmolLM2.path))
        let template = try ChatTemplate(tokenizer: tok)
        #expect(template.family == .chatml)
        #expect(template.defaultSystemPrompt == "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        let prompt = try template.render([.user("What is the capital of France?")])
        let ids = tok.encode(prompt, addSpecial: true, parseSpecial: true)
        #expect(ids.first == 1)                                      // <|im_start|>
        #expect(ids.filter { $0 == 2 }.count == 2)                   // two <|im_end|>
        #expect(tok.decode(ids, renderSpecial: true) == prompt)
    }
}
