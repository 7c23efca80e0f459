// Which pre-tokenizer a `tokenizer.ggml.pre` value selects, the per-family flags llama.cpp ties
// to it, and the chain of splits each family runs. The splitters themselves live in
// PreTokenizerSplits*.swift.

/// A family of byte-level BPE pre-tokenizers (one regex chain each in llama.cpp).
public enum PreTokenizerKind: String, Sendable, CaseIterable {
    /// llama.cpp's fallback: punctuation runs, the GPT-2 regex, digit runs, digit triples.
    case `default`
    /// GPT-2's regex alone (gpt-2, mpt, olmo, phi-2, jais, ...).
    case gpt2
    /// Llama 3's regex: case-insensitive contractions, digits in groups of three, newline runs.
    case llama3
    /// Qwen2's regex: as Llama 3 but single digits.
    case qwen2
    /// Qwen3.5's regex: as Qwen2 but letter runs absorb combining marks.
    case qwen35
    /// Every digit alone, then the GPT-2 regex (starcoder, refact, command-r, smollm, ...).
    case digitsThenGPT2
    /// DeepSeek LLM's chain of six splits.
    case deepseekLLM
    /// DeepSeek Coder's chain of five splits.
    case deepseekCoder
    /// Falcon: punctuation runs, the GPT-2 regex, ASCII digit triples.
    case falcon
    /// GPT-4o's regex (also llama4): case-aware letter runs with contractions, digits by three.
    case gpt4o
    /// Mistral's tekken: as GPT-4o without contractions, single digits.
    case tekken

    /// Every `tokenizer.ggml.pre` value we accept, for error messages.
    public static var supportedNames: [String] { namesToKind.keys.sorted() }

    /// The family for a `tokenizer.ggml.pre` value; nil when unsupported. A missing value means
    /// "default", as in llama.cpp (which warns that quality will suffer).
    public static func named(_ name: String) -> PreTokenizerKind? { namesToKind[name] }

    // The same grouping as llama.cpp's llama-vocab.cpp load(); values it maps to a regex we do
    // not implement are left out so they fail loudly instead of tokenizing differently.
    private static let namesToKind: [String: PreTokenizerKind] = {
        var m: [String: PreTokenizerKind] = ["": .default, "default": .default]
        for n in ["gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0",
                  "mellum", "modern-bert", "mpt", "olmo", "jais", "trillion", "granite-docling", "exaone4",
                  "jina-v1-en", "jina-v2-code", "roberta-bpe"] { m[n] = .gpt2 }
        for n in ["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
                  "jina-v5-nano", "dbrx", "smaug-bpe", "chatglm-bpe", "glm4", "glm5"] { m[n] = .llama3 }
        for n in ["qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "stablelm2", "megrez", "hunyuan",
                  "solar-open", "grok-2"] { m[n] = .qwen2 }
        m["qwen35"] = .qwen35
        for n in ["starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b",
                  "mellum2"] { m[n] = .digitsThenGPT2 }
        m["deepseek-llm"] = .deepseekLLM
        m["deepseek-coder"] = .deepseekCoder
        m["falcon"] = .falcon
        for n in ["gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2"] { m[n] = .gpt4o }
        m["tekken"] = .tekken
        return m
    }()

    /// The per-name flags llama.cpp sets alongside the regex.
    struct Flags {
        /// Emit a whole pre-token as one id when the vocabulary has it, skipping merges.
        var ignoreMerges = false
        /// Default of `tokenizer.ggml.add_bos_token` when the key is absent.
        var addBOS = false
        /// Detokenization removes spaces before punctuation (" ," → ",") — HF's clean-up.
        var cleanSpaces = true
        /// Ignore `tokenizer.ggml.bos_token_id` (GLM).
        var noBOS = false
    }

    /// The flags llama.cpp ties to the `tokenizer.ggml.pre` value `name` (not only to the family).
    static func flags(for name: String) -> Flags {
        var f = Flags()
        switch name {
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano":
            f.ignoreMerges = true
            f.addBOS = true
        case "glm4", "glm5":
            f.ignoreMerges = true
            f.noBOS = true
        case "chatglm-bpe":
            f.noBOS = true
        case "tekken":
            f.ignoreMerges = true
            f.addBOS = true
            f.cleanSpaces = false
        case "deepseek-llm", "deepseek-coder", "command-r", "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2",
             "qwen35", "smollm", "gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2", "trillion",
             "granite-docling", "hunyuan", "solar-open", "grok-2":
            f.cleanSpaces = false
        default:
            break
        }
        return f
    }

    /// The splits this family runs, in order; each refines the pieces the previous one produced.
    var chain: [Split] {
        switch self {
        case .default: [.punctuationRun(backtick: false), .gpt2, .numberRun, .asciiDigitTriple]
        case .gpt2: [.gpt2]
        case .llama3: [.llama3(maxDigits: 3, marks: false)]
        case .qwen2: [.llama3(maxDigits: 1, marks: false)]
        case .qwen35: [.llama3(maxDigits: 1, marks: true)]
        case .digitsThenGPT2: [.singleNumber, .gpt2]
        case .deepseekLLM: [.newline, .deepseekCasedLetters, .deepseekPunctuation, .trailingWhitespace,
                            .deepseekCJK, .numberRun]
        case .deepseekCoder: [.newline, .spaceThenLetters, .spaceThenPunctuation, .deepseekCJK, .singleNumber]
        case .falcon: [.punctuationRun(backtick: true), .gpt2, .asciiDigitTriple]
        case .gpt4o: [.caseAware(contractions: true, maxDigits: 3)]
        case .tekken: [.caseAware(contractions: false, maxDigits: 1)]
        }
    }
}

/// One split step. Steps marked "custom" mirror llama.cpp's hand-written splitters (an unmatched
/// codepoint becomes a piece of its own); the others mirror its std::regex path (unmatched text
/// between two matches stays one piece).
enum Split: Sendable {
    case gpt2                                        // custom: GPT-2 regex
    case llama3(maxDigits: Int, marks: Bool)         // custom: Llama 3 / Qwen2 / Qwen3.5 regexes
    case punctuationRun(backtick: Bool)              // [\p{P}\$\+<=>\^~\|]+ (falcon adds `)
    case numberRun                                   // \p{N}+
    case singleNumber                                // \p{N}
    case asciiDigitTriple                            // [0-9][0-9][0-9]
    case newline                                     // [\r\n]
    case deepseekCasedLetters                        // \s?[A-Za-zµÀ-Ö...]+
    case deepseekPunctuation                         // \s?[!-/:-~！-／：-～‘-‟　-。]+
    case trailingWhitespace                          // \s+$
    case deepseekCJK                                 // [一-龥ࠀ-一가-퟿]+
    case spaceThenLetters                            // \s?\p{L}+
    case spaceThenPunctuation                        // \s?\p{P}+
    case caseAware(contractions: Bool, maxDigits: Int) // GPT-4o / tekken regexes
}

/// Runs a family's chain over codepoints, producing the end offsets of the pieces.
struct PreTokenizer: Sendable {
    let kind: PreTokenizerKind
    private let chain: [Split]

    init(kind: PreTokenizerKind) {
        self.kind = kind
        self.chain = kind.chain
    }

    /// Splits `cps` into pieces; `ends` receives each piece's end offset (in codepoints).
    func split(_ cps: UnsafeBufferPointer<UInt32>, ends: inout [Int], scratch: inout [Int]) {
        ends.removeAll(keepingCapacity: true)
        if cps.isEmpty { return }
        ends.append(cps.count)
        for step in chain {
            swap(&ends, &scratch)
            ends.removeAll(keepingCapacity: true)
            var start = 0
            for end in scratch {
                SplitRunner.run(step, cps, start, end, &ends)
                start = end
            }
        }
    }
}
