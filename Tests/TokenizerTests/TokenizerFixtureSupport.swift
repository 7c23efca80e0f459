// Loading the llama.cpp reference fixtures (Tests/Fixtures/tokenizer/*.json) and the vocabulary
// files they were made from: models/ for SmolLM2 and Qwen2.5-Coder, the llama.cpp reference cache
// for the rest.
import Foundation
import GGUF
import TestSupport
import Tokenizer

struct TokenizerCase {
    let text: String
    let parseSpecial: Bool
    let ids: [Int32]
    let decoded: String?
    let decodedSpecial: String?
}

struct TokenizerFixture {
    let name: String
    let vocab: String
    let overrides: [String: String]
    let cases: [TokenizerCase]
    let longTextFile: String?
    let longTextIDs: [Int32]
    /// Raw byte inputs (invalid UTF-8) with llama.cpp's ids.
    let bytesCases: [(bytes: [UInt8], ids: [Int32])]

    static let directory = Paths.fixtures + "/tokenizer"

    /// Every fixture name (file name without .json), sorted.
    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".json") && $0 != "chat_templates.json" }
            .map { String($0.dropLast(5)) }.sorted()
    }

    static func load(_ name: String) throws -> TokenizerFixture {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/\(name).json"))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let vocab = root["vocab"] as? String, let rawCases = root["cases"] as? [[String: Any]] else {
            throw FixtureError.malformed(name)
        }
        let cases = rawCases.compactMap { c -> TokenizerCase? in
            guard let text = c["text"] as? String, let ids = c["ids"] as? [Int] else { return nil }
            return TokenizerCase(text: text, parseSpecial: c["parse_special"] as? Bool ?? false,
                                 ids: ids.map { Int32($0) }, decoded: c["decoded"] as? String,
                                 decodedSpecial: c["decoded_special"] as? String)
        }
        let long = root["long_text"] as? [String: Any]
        let raw = (root["bytes_cases"] as? [[String: Any]] ?? []).compactMap { c -> ([UInt8], [Int32])? in
            guard let b = c["bytes"] as? [Int], let ids = c["ids"] as? [Int] else { return nil }
            return (b.map { UInt8(truncatingIfNeeded: $0) }, ids.map { Int32($0) })
        }
        return TokenizerFixture(name: name, vocab: vocab, overrides: root["overrides"] as? [String: String] ?? [:],
                                cases: cases, longTextFile: long?["file"] as? String,
                                longTextIDs: (long?["ids"] as? [Int] ?? []).map { Int32($0) }, bytesCases: raw)
    }

    /// The vocabulary file, or nil (with the reason) when this machine does not have it.
    var vocabPath: (path: String?, reason: String) {
        // A whole model (SmolLM2, Qwen2.5-Coder) is fetched into models/; llama.cpp's vocab-only
        // files (ggml-vocab-*.gguf) live in the reference cache.
        if !vocab.hasPrefix("ggml-vocab-") {
            let p = Paths.packageRoot + "/models/" + vocab
            return FileManager.default.fileExists(atPath: p) ? (p, "") : (nil, "\(p) missing (run scripts/fetch-models)")
        }
        let p = ReferenceCache.vocabDirectory + "/" + vocab
        return FileManager.default.fileExists(atPath: p)
            ? (p, "") : (nil, "\(p) missing (run scripts/bench/build-llama-cpp)")
    }

    /// The tokenizer, with the fixture's metadata overrides applied.
    func tokenizer(path: String) throws -> GGUFTokenizer {
        let file = try GGUFFile(path: path)
        if overrides.isEmpty { return try GGUFTokenizer(file: file) }
        var md = Metadata()
        for key in file.metadata.keys {
            if let replacement = overrides[key] {
                try md.add(key, .string(replacement))
            } else if let value = file.metadata[key] {
                try md.add(key, value)
            }
        }
        // An override of a key the file lacks adds it, as llama.cpp's --override-kv does.
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) where !md.contains(key) {
            try md.add(key, .string(value))
        }
        return try GGUFTokenizer(metadata: md)
    }
}

enum FixtureError: Error { case malformed(String) }

/// Where scripts/bench/build-llama-cpp keeps the llama.cpp sources (vocab GGUFs, templates).
enum ReferenceCache {
    static var root: String {
        Paths.cache + "/llama-cpp-python-0.3.36"
    }
    static var vocabDirectory: String { root + "/src/vendor/llama.cpp/models" }
}

/// SmolLM2's GGUF when present (CI fetches it).
enum SmolLM2 {
    static let path = Paths.packageRoot + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    static var available: Bool { FileManager.default.fileExists(atPath: path) }
}

/// Shows the start of a mismatch readably.
func describeMismatch(_ c: TokenizerCase, _ got: [Int32]) -> String {
    let text = c.text.count > 60 ? String(c.text.prefix(60)) + "…" : c.text
    return "\(text.debugDescription) special=\(c.parseSpecial)\n  want \(c.ids.prefix(24))\n  got  \(got.prefix(24))"
}
